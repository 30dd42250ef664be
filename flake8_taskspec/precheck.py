"""Decide cheaply whether a file can contain a task-type site at all.

Most files in a codebase cannot, and for them the checker must cost next
to nothing: no libcst import and no libcst parse.
"""

from __future__ import annotations

import ast

from flake8_taskspec.patterns import PatternSet


def may_contain_sites(source: str, tree: ast.AST, patterns: PatternSet) -> bool:
    """Return True when the file imports a pattern's module or calls its method.

    A substring test rules out most files first; only the rest pay for a
    walk over the ast that flake8 has already built.
    """
    words = patterns.root_modules | patterns.methods
    if any(name in source for name in patterns.schedules):
        return True
    if not any(word in source for word in words):
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(_root(alias.name) in patterns.root_modules for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and _root(node.module or "") in patterns.root_modules:
                return True
        elif isinstance(node, ast.Attribute) and node.attr in patterns.methods:
            return True
    return False


def _root(module: str) -> str:
    return module.split(".", 1)[0]
