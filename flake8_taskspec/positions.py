"""Positions of reported nodes, computed one top-level statement at a time.

libcst's PositionProvider generates code for the whole module to place
any node, which on a 200,000-line file costs tens of seconds for a single
finding. Each top-level statement is placed on its own instead: its first
line comes from the ast flake8 already built, and positions inside it
from a module that holds only that statement.
"""

from __future__ import annotations

import ast
from typing import Dict, List, Optional, Tuple

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

Position = Tuple[int, int]


class StatementPositions:
    """Start positions (1-based line, 0-based column) of nodes in a module."""

    def __init__(self, module: cst.Module, tree: ast.AST) -> None:
        self.module = module
        self.tree = tree
        self._placed: Dict[int, Dict[cst.CSTNode, Position]] = {}

    def start(self, node: cst.CSTNode, statement: int) -> Position:
        """Return where ``node``, inside top-level statement ``statement``, starts."""
        positions = self._placed.get(statement)
        if positions is None:
            positions = self._place(statement)
            self._placed[statement] = positions
        return positions[node]

    def _place(self, statement: int) -> Dict[cst.CSTNode, Position]:
        first_line = self._first_line(statement)
        if first_line is None:
            return self._place_module()
        body = self.module.body[statement]
        alone = self.module.with_changes(
            header=(), footer=(), body=[body.with_changes(leading_lines=())]
        )
        ranges = MetadataWrapper(alone, unsafe_skip_copy=True).resolve(PositionProvider)
        offset = first_line - 1
        return {
            node: (place.start.line + offset, place.start.column)
            for node, place in ranges.items()
        }

    def _place_module(self) -> Dict[cst.CSTNode, Position]:
        ranges = MetadataWrapper(self.module, unsafe_skip_copy=True).resolve(
            PositionProvider
        )
        return {
            node: (place.start.line, place.start.column)
            for node, place in ranges.items()
        }

    def _first_line(self, statement: int) -> Optional[int]:
        """Return the line where top-level statement ``statement`` starts.

        A libcst line of simple statements (``a = 1; b = 2``) is one ast
        statement per small statement. Returns None if the two trees do
        not line up, and the caller places the whole module instead.
        """
        body = getattr(self.tree, "body", None)
        if not isinstance(body, list):
            return None
        index = 0
        for earlier in self.module.body[:statement]:
            index += (
                len(earlier.body) if isinstance(earlier, cst.SimpleStatementLine) else 1
            )
        if index >= len(body):
            return None
        node = body[index]
        lines: List[int] = [node.lineno]
        lines += [decorator.lineno for decorator in getattr(node, "decorator_list", ())]
        return min(lines)
