"""Decide cheaply whether a file can contain a registration at all.

Most files in a codebase cannot, and for them the checker must cost next
to nothing: no libcst import and no libcst parse.
"""

from __future__ import annotations

import ast
from typing import FrozenSet


def may_register(source: str, tree: ast.AST, root_modules: FrozenSet[str]) -> bool:
    """Return True when the file imports one of ``root_modules``.

    A substring test rules out most files first; only the rest pay for a
    walk over the ast that flake8 has already built.
    """
    if not any(module in source for module in root_modules):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(_root(alias.name) in root_modules for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and _root(node.module) in root_modules:
                return True
    return False


def _root(module: str) -> str:
    return module.split(".", 1)[0]
