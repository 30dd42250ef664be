"""The queue topology: weights, worker counts, shed depths and shed order."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path
from typing import Optional, Tuple

import pytest

import registry.queues
from registry import QUEUES, SHED_ORDER, queue

# name, weight, concurrency, shed above depth (None: never sheds)
TOPOLOGY: Tuple[Tuple[str, int, int, Optional[int]], ...] = (
    ("critical", 6, 4, None),
    ("default", 4, 16, 5000),
    ("media", 3, 8, 1000),
    ("cache", 3, 8, 10000),
    ("migrate", 2, 4, 2000),
    ("plugins", 2, 8, 2000),
    ("low", 1, 4, 5000),
)


def test_seven_queues_in_order() -> None:
    assert tuple(entry.name for entry in QUEUES) == tuple(row[0] for row in TOPOLOGY)


@pytest.mark.parametrize("row", TOPOLOGY, ids=[row[0] for row in TOPOLOGY])
def test_queue_matches_row(row: Tuple[str, int, int, Optional[int]]) -> None:
    name, weight, concurrency, shed_above = row
    found = queue(name)
    assert found is not None
    assert found.name == name
    assert found.weight == weight
    assert found.concurrency == concurrency
    assert found.shed_above == shed_above


def test_unknown_queue_is_none() -> None:
    assert queue("nope") is None


def test_shed_order() -> None:
    assert SHED_ORDER == ("low", "migrate", "plugins", "cache", "media", "default")


def test_critical_never_sheds() -> None:
    critical = queue("critical")
    assert critical is not None
    assert critical.shed_above is None
    assert "critical" not in SHED_ORDER


def test_shed_order_covers_others() -> None:
    names = {entry.name for entry in QUEUES}
    assert set(SHED_ORDER) == names - {"critical"}
    assert len(SHED_ORDER) == len(set(SHED_ORDER))


def test_shedding_queues_have_depth() -> None:
    for name in SHED_ORDER:
        found = queue(name)
        assert found is not None
        assert found.shed_above is not None, name


def test_queue_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        QUEUES[0].weight = 1  # type: ignore[misc]


def _queue_calls() -> Tuple[ast.Call, ...]:
    source = Path(registry.queues.__file__).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "QUEUES"
        ):
            assert isinstance(node.value, ast.Tuple)
            return tuple(call for call in node.value.elts if isinstance(call, ast.Call))
    raise AssertionError("registry/queues.py has no annotated QUEUES")


def test_source_has_7_literal_calls() -> None:
    calls = _queue_calls()
    assert len(calls) == 7
    for call in calls:
        assert isinstance(call.func, ast.Name)
        assert call.func.id == "Queue"


def test_source_uses_literal_keywords() -> None:
    for call in _queue_calls():
        assert call.args == []
        names = [keyword.arg for keyword in call.keywords]
        assert names == ["name", "weight", "concurrency", "shed_above"]
        for keyword in call.keywords:
            assert isinstance(keyword.value, ast.Constant), keyword.arg
