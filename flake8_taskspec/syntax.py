"""Small readers of libcst nodes shared by the visitor and the checks."""

from __future__ import annotations

from typing import List, Optional, Sequence

import libcst as cst


def last_name(node: cst.BaseExpression) -> Optional[str]:
    """Return ``c`` for ``c`` or ``a.b.c``, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def literal_string(node: cst.BaseExpression) -> Optional[str]:
    """Return the value of a string literal in any spelling, else None.

    libcst nests an implicit concatenation one level per literal and
    evaluates it recursively, so thousands of literals would exhaust the
    recursion limit. This function collects the parts with a loop instead.
    """
    parts: List[str] = []
    pending: List[cst.BaseExpression] = [node]
    while pending:
        part = pending.pop()
        if isinstance(part, cst.ConcatenatedString):
            pending.append(part.right)
            pending.append(part.left)
        elif isinstance(part, cst.SimpleString):
            value = part.evaluated_value
            if not isinstance(value, str):
                return None
            parts.append(value)
        else:
            return None
    return "".join(parts)


def argument(
    args: Sequence[cst.Arg], position: Optional[int], keyword: Optional[str]
) -> Optional[cst.BaseExpression]:
    """Return the argument at ``position`` or named ``keyword``, if present."""
    positional = []
    positions_known = True
    for arg in args:
        if arg.star:
            # After *args or **kwargs the positions are unknown.
            positions_known = False
        elif arg.keyword is None:
            if positions_known:
                positional.append(arg.value)
        elif keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None and position < len(positional):
        return positional[position]
    return None


def has_double_star(args: Sequence[cst.Arg]) -> bool:
    """Return True if ``**mapping`` may pass keywords that cannot be seen."""
    return any(arg.star == "**" for arg in args)
