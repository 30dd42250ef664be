"""Evaluate the literal values of a registry entry from its ast.

Each function returns None for anything it cannot evaluate without running
code, such as a name bound elsewhere or a call it does not know.
"""

from __future__ import annotations

import ast
from datetime import timedelta
from typing import Dict, List, Mapping, Optional, Tuple, Union

Number = Union[int, float]

TIMEDELTA = "timedelta"
# The order of timedelta's positional parameters.
TIMEDELTA_FIELDS = (
    "days",
    "seconds",
    "microseconds",
    "milliseconds",
    "minutes",
    "hours",
    "weeks",
)
BACKOFF = "exp"
# exp() without arguments waits up to 1 s before the first retry and caps
# the delay at 1 h.
BACKOFF_DEFAULTS = (timedelta(seconds=1), timedelta(hours=1))


def called_name(call: ast.Call) -> Optional[str]:
    """Return the last name of the callee: ``timedelta`` for ``dt.timedelta``."""
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def literal_string(
    node: Optional[ast.expr], module_name: str, constants: Mapping[str, str]
) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(f"{module_name}.{node.id}")
    return None


def literal_bool(node: Optional[ast.expr]) -> Optional[bool]:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def literal_number(node: Optional[ast.expr]) -> Optional[Number]:
    """Return an int or float literal, with an optional sign."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = literal_number(node.operand)
        if operand is None:
            return None
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Constant):
        value = node.value
        # bool is an int subclass, but True is no retry count.
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    return None


def literal_timedelta(node: Optional[ast.expr]) -> Optional[timedelta]:
    """Return the value of ``timedelta(...)`` called with number literals."""
    if not isinstance(node, ast.Call) or called_name(node) != TIMEDELTA:
        return None
    arguments = _numbers(node, TIMEDELTA_FIELDS)
    if arguments is None:
        return None
    try:
        return timedelta(**arguments)
    except (OverflowError, TypeError):
        return None


def backoff_bounds(node: Optional[ast.expr]) -> Optional[Tuple[timedelta, timedelta]]:
    """Return ``(base, max)`` of an ``exp(...)`` backoff, else None."""
    if not isinstance(node, ast.Call) or called_name(node) != BACKOFF:
        return None
    if len(node.args) > 2 or any(keyword.arg is None for keyword in node.keywords):
        return None
    given: List[Optional[ast.expr]] = list(node.args) + [None] * (2 - len(node.args))
    for keyword in node.keywords:
        if keyword.arg == "base":
            given[0] = keyword.value
        elif keyword.arg == "max":
            given[1] = keyword.value
    bounds = []
    for value, default in zip(given, BACKOFF_DEFAULTS):
        bound = default if value is None else literal_timedelta(value)
        if bound is None:
            return None
        bounds.append(bound)
    return bounds[0], bounds[1]


def _numbers(call: ast.Call, fields: Tuple[str, ...]) -> Optional[Dict[str, Number]]:
    if len(call.args) > len(fields):
        return None
    values: Dict[str, Number] = {}
    named = [(field, value) for field, value in zip(fields, call.args)]
    named += [(keyword.arg, keyword.value) for keyword in call.keywords if keyword.arg]
    if any(keyword.arg is None for keyword in call.keywords):
        return None
    for field, node in named:
        number = literal_number(node)
        if number is None or field not in fields:
            return None
        values[field] = number
    return values
