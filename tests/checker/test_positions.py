"""Statement-by-statement positions agree with libcst's whole-module ones."""

from __future__ import annotations

import ast
import sysconfig
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from flake8_taskspec.positions import StatementPositions
from flake8_taskspec.walk import walk

ROOT = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"])
TRICKY = '''\
# header comment
"""Docstring."""
import os; import sys


@decorator
# comment between decorators
@other(
    "x",
)
class C:
    def f(self):
        return ("a"
                "b")


if True: x = "inline"
'''


def paths():
    found = sorted((ROOT / "examples").rglob("*.py"))
    return found + [STDLIB / "ast.py", STDLIB / "dataclasses.py"]


def check_agreement(source: str) -> int:
    module = cst.parse_module(source)
    whole = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    positions = StatementPositions(module, ast.parse(source))
    compared = 0
    for index, statement in enumerate(module.body):
        for node in walk(statement):
            if isinstance(node, (cst.SimpleString, cst.Call, cst.Name)):
                expected = whole[node].start
                assert positions.start(node, index) == (expected.line, expected.column)
                compared += 1
    return compared


@pytest.mark.parametrize("path", paths(), ids=lambda path: path.name)
def test_positions_agree(path: Path) -> None:
    assert check_agreement(path.read_text(encoding="utf-8")) > 0


def test_positions_agree_on_tricky_layout() -> None:
    assert check_agreement(TRICKY) > 0


def test_mismatched_tree_falls_back() -> None:
    source = 'x = "a"\ny = "b"\n'
    module = cst.parse_module(source)
    positions = StatementPositions(module, ast.parse("pass\n"))
    value = module.body[1].body[0].value
    assert positions.start(value, 1) == (2, 4)
