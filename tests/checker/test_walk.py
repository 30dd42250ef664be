"""The fast walk reaches every node libcst's own visitor reaches."""

from __future__ import annotations

import sysconfig
from pathlib import Path
from typing import List

import libcst as cst
import pytest

from flake8_taskspec.walk import Leave, walk

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "cms_jobs"
STDLIB = Path(sysconfig.get_paths()["stdlib"])
# Nodes that only hold whitespace, comments or punctuation; the walk skips
# the fields holding them on purpose.
SKIPPED_TYPES = (
    cst.BaseParenthesizableWhitespace,
    cst.EmptyLine,
    cst.TrailingWhitespace,
    cst.Newline,
    cst.Comment,
    cst.Comma,
    cst.Colon,
    cst.Semicolon,
    cst.Dot,
    cst.AssignEqual,
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
    cst.BaseBinaryOp,
    cst.BaseBooleanOp,
    cst.BaseCompOp,
    cst.BaseUnaryOp,
    cst.BaseAugOp,
    cst.Asynchronous,
    cst.ParamSlash,
    cst.BitOr,
)


class Everything(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: List[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not isinstance(node, SKIPPED_TYPES):
            self.nodes.append(node)
        return True


def sources() -> List[Path]:
    names = [
        "ast.py",
        "dataclasses.py",
        "typing.py",
        "asyncio/tasks.py",
        "inspect.py",
        "argparse.py",
    ]
    found = [STDLIB / name for name in names if (STDLIB / name).exists()]
    return sorted(EXAMPLES.glob("*.py")) + found


@pytest.mark.parametrize("path", sources(), ids=lambda path: path.name)
def test_walk_matches_visitor(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    visitor = Everything()
    module.visit(visitor)
    walked = [node for node in walk(module) if not isinstance(node, Leave)]
    assert [id(node) for node in walked] == [id(node) for node in visitor.nodes]


def test_walk_leave_after_children() -> None:
    module = cst.parse_module("def f():\n    g()\n")
    events = []
    for item in walk(module, leave_types=(cst.FunctionDef,)):
        if isinstance(item, Leave):
            events.append(("leave", type(item.node).__name__))
        elif isinstance(item, (cst.FunctionDef, cst.Call)):
            events.append(("visit", type(item).__name__))
    assert events == [
        ("visit", "FunctionDef"),
        ("visit", "Call"),
        ("leave", "FunctionDef"),
    ]


def test_walk_prunes_nested_scope() -> None:
    module = cst.parse_module("def f():\n    g()\n")
    function = module.body[0]
    outer = [type(n).__name__ for n in walk(module, prune_types=(cst.FunctionDef,))]
    inner = [type(n).__name__ for n in walk(function, prune_types=(cst.FunctionDef,))]
    assert "Call" not in outer
    assert "Call" in inner
