"""Keep libcst within the nesting it can handle.

libcst's native parser crashes the whole process (a segmentation fault,
not an exception) on expressions nested some thousands of levels deep.
A chain of 8,000 ``and`` operands does it with libcst 1.9.0 on CPython
3.11. Its Python visitors also recurse once per level. The checker
therefore measures the nesting on the ast flake8 already built, declines
files nested deeper than ``MAX_NESTING``, and raises the recursion limit
for the rest while libcst works.
"""

from __future__ import annotations

import ast
import sys
from contextlib import contextmanager
from typing import Iterator, List, Tuple

MAX_NESTING = 1000
# Python frames libcst's visitors and code generator use per level, with
# room to spare: 1,000 levels passed with a limit of 20,000 on CPython 3.9
# and 3.11.
FRAMES_PER_LEVEL = 20
BASE_FRAMES = 2000


def nesting_depth(tree: ast.AST) -> int:
    """Return how deep libcst's tree for this ast will nest.

    libcst nests a chain of ``and``/``or`` operands one level per operand,
    where ast keeps them in one list.
    """
    deepest = 0
    stack: List[Tuple[ast.AST, int]] = [(tree, 0)]
    push = stack.append
    while stack:
        node, depth = stack.pop()
        if type(node) is ast.BoolOp:
            depth += len(node.values) - 1
        if depth > deepest:
            deepest = depth
        depth += 1
        # A hand-rolled ast.iter_child_nodes: this runs on every candidate
        # file, and the generator costs about half the walk.
        for name in node._fields:
            if name == "ctx":
                continue
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        push((item, depth))
            elif isinstance(value, ast.AST):
                push((value, depth))
    return deepest


@contextmanager
def recursion_limit_for(depth: int) -> Iterator[None]:
    """Raise the recursion limit enough for libcst to walk ``depth`` levels."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, BASE_FRAMES + FRAMES_PER_LEVEL * depth))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)
