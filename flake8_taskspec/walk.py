"""Walk a libcst tree in source order, without rebuilding it.

``CSTNode.visit`` rebuilds every node it passes, so that transformers can
replace children; for a read-only pass that costs about as much as the
parse itself. This walker reads the dataclass fields of each node instead
and skips the fields that only hold whitespace and punctuation.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Iterator, List, Tuple, Type, Union

import libcst as cst

# Fields that hold only whitespace, comments, punctuation or operators.
SKIPPED_FIELDS = frozenset(
    {
        "asynchronous",
        "colon",
        "comma",
        "comment",
        "dot",
        "empty_lines",
        "equal",
        "first_colon",
        "first_line",
        "footer",
        "header",
        "last_line",
        "lbrace",
        "lbracket",
        "leading_lines",
        "leading_whitespace",
        "lines_after_decorators",
        "lpar",
        "newline",
        "operator",
        "posonly_ind",
        "rbrace",
        "rbracket",
        "relative",
        "rpar",
        "second_colon",
        "semicolon",
        "separator",
        "trailing_comma",
        "trailing_whitespace",
    }
)

# Fields to walk first, where the source order differs from the order in
# which the node's dataclass declares them.
SOURCE_ORDER: Dict[type, Tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords"),
    cst.ExceptHandler: ("type", "name"),
    cst.ExceptStarHandler: ("type", "name"),
    cst.Arg: ("keyword",),
    cst.IfExp: ("body",),
    cst.Parameters: ("posonly_params", "params", "star_arg", "kwonly_params"),
    cst.MatchCase: ("pattern", "guard"),
}

_CHILD_FIELDS: Dict[type, Tuple[str, ...]] = {}
# isinstance against libcst's abstract base classes goes through
# ABCMeta.__instancecheck__, which costs several times a set lookup. The
# walk checks exact types instead and remembers which types are nodes.
_IS_NODE: Dict[type, bool] = {}


class Leave:
    """Marks the point where the walk leaves ``node``."""

    __slots__ = ("node",)

    def __init__(self, node: cst.CSTNode) -> None:
        self.node = node


def walk(
    root: cst.CSTNode,
    leave_types: Tuple[Type[cst.CSTNode], ...] = (),
    prune_types: Tuple[Type[cst.CSTNode], ...] = (),
) -> Iterator[Union[cst.CSTNode, Leave]]:
    """Yield every node in source order.

    A ``Leave`` follows each node of ``leave_types`` once its children are
    done. The children of a node of ``prune_types`` other than ``root`` are
    not walked.
    """
    leave = frozenset(leave_types)
    prune = frozenset(prune_types)
    stack: List[Union[cst.CSTNode, Leave]] = [root]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, Leave):
            continue
        item_type = type(item)
        if item_type in prune and item is not root:
            continue
        if item_type in leave:
            stack.append(Leave(item))
        children = _children(item)
        children.reverse()
        stack.extend(children)


def _children(node: cst.CSTNode) -> List[cst.CSTNode]:
    fields = _CHILD_FIELDS.get(type(node))
    if fields is None:
        fields = _child_fields(type(node))
    children: List[cst.CSTNode] = []
    for name in fields:
        value = getattr(node, name)
        value_type = type(value)
        if value_type is list or value_type is tuple:
            children.extend(item for item in value if _is_node(type(item)))
        elif _is_node(value_type):
            children.append(value)
    return children


def _is_node(value_type: type) -> bool:
    known = _IS_NODE.get(value_type)
    if known is None:
        known = issubclass(value_type, cst.CSTNode)
        _IS_NODE[value_type] = known
    return known


def _child_fields(node_type: type) -> Tuple[str, ...]:
    fields = tuple(
        field.name
        for field in dataclasses.fields(node_type)
        if field.name not in SKIPPED_FIELDS and not field.name.startswith("whitespace")
    )
    first = SOURCE_ORDER.get(node_type, ())
    fields = tuple(f for f in first if f in fields) + tuple(
        f for f in fields if f not in first
    )
    _CHILD_FIELDS[node_type] = fields
    return fields
