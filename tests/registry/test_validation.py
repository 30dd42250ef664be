"""Registry entries are checked when they are built, so a bad one fails at import.

Each table row changes one field of a valid entry and states the exact
message, task type and field of the error.
"""

from __future__ import annotations

import importlib
import pickle
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any, Dict, Iterator, NamedTuple, Optional

import pytest

from registry import (
    QUEUES,
    InvalidQueueError,
    InvalidTaskSpecError,
    Queue,
    TaskSpec,
    build_index,
    exp,
    fixed,
    index_queues,
)

S = timedelta(seconds=1)
H = timedelta(hours=1)
NONE = timedelta(0)


def _spec_fields(**changes: object) -> Dict[str, Any]:
    fields: Dict[str, Any] = dict(
        type="report.weekly",
        queue="low",
        max_retry=3,
        timeout=30 * S,
        retry_delay=exp(),
        unique_ttl=NONE,
        idempotent=True,
        human_name="Build weekly report",
    )
    fields.update(changes)
    return fields


def _queue_fields(**changes: object) -> Dict[str, Any]:
    fields: Dict[str, Any] = dict(name="bulk", weight=1, concurrency=1, shed_above=None)
    fields.update(changes)
    return fields


class Bad(NamedTuple):
    field: str
    value: object
    # Expected task type of a TaskSpec row, or queue name of a Queue row.
    entry: Optional[str]
    message: str


# TaskSpec

SPEC_FAILURES = (
    Bad("type", "", "", "task spec has an empty type: name it like 'email.send'"),
    Bad(
        "type",
        5,
        None,
        "task spec has type 5 of type int: name it with a string like 'email.send'",
    ),
    Bad(
        "queue",
        "",
        "report.weekly",
        "task type 'report.weekly' has an empty queue: "
        "name one of the queues in registry/queues.py",
    ),
    Bad(
        "queue",
        None,
        "report.weekly",
        "task type 'report.weekly' has queue None of type NoneType: "
        "pass a string such as 'default'",
    ),
    Bad(
        "max_retry",
        -1,
        "report.weekly",
        "task type 'report.weekly' has max_retry -1: "
        "use 0 for no retries or a positive count",
    ),
    Bad(
        "max_retry",
        True,
        "report.weekly",
        "task type 'report.weekly' has max_retry True of type bool: "
        "pass an int such as 3",
    ),
    Bad(
        "max_retry",
        "3",
        "report.weekly",
        "task type 'report.weekly' has max_retry '3' of type str: "
        "pass an int such as 3",
    ),
    Bad(
        "timeout",
        NONE,
        "report.weekly",
        "task type 'report.weekly' has timeout 0 s: "
        "every task needs a positive timeout",
    ),
    Bad(
        "timeout",
        -30 * S,
        "report.weekly",
        "task type 'report.weekly' has timeout -30 s: "
        "every task needs a positive timeout",
    ),
    Bad(
        "timeout",
        30,
        "report.weekly",
        "task type 'report.weekly' has timeout 30 of type int: "
        "pass a timedelta such as timedelta(seconds=30)",
    ),
    Bad(
        "unique_ttl",
        -S,
        "report.weekly",
        "task type 'report.weekly' has negative unique_ttl -1 s: "
        "use timedelta(0) for no uniqueness",
    ),
    Bad(
        "unique_ttl",
        None,
        "report.weekly",
        "task type 'report.weekly' has unique_ttl None of type NoneType: "
        "pass a timedelta such as timedelta(seconds=30)",
    ),
    Bad(
        "retry_delay",
        5,
        "report.weekly",
        "task type 'report.weekly' has retry_delay 5, which is not callable: "
        "pass exp(...) or fixed(...)",
    ),
    Bad(
        "idempotent",
        "False",
        "report.weekly",
        "task type 'report.weekly' has idempotent 'False' of type str: "
        "pass True or False",
    ),
    Bad(
        "human_name",
        "",
        "report.weekly",
        "task type 'report.weekly' has an empty human_name: give it a "
        "short English name such as 'Send transactional email'",
    ),
    Bad(
        "human_name",
        None,
        "report.weekly",
        "task type 'report.weekly' has human_name None of type NoneType: "
        "pass a string such as 'Send transactional email'",
    ),
)


def _row_id(row: Bad) -> str:
    return f"{row.field}={row.value!r}"


@pytest.mark.parametrize("row", SPEC_FAILURES, ids=_row_id)
def test_spec_rejects_field(row: Bad) -> None:
    with pytest.raises(InvalidTaskSpecError) as caught:
        TaskSpec(**_spec_fields(**{row.field: row.value}))
    assert str(caught.value) == row.message
    assert caught.value.task_type == row.entry
    assert caught.value.field == row.field


def test_spec_error_is_value_error() -> None:
    with pytest.raises(ValueError):
        TaskSpec(**_spec_fields(max_retry=-1))


SPEC_PASSES = (
    ("max_retry", 0),
    ("timeout", timedelta(microseconds=1)),
    ("unique_ttl", NONE),
    ("retry_delay", fixed(S, 5 * S)),
    ("retry_delay", lambda retries, error: S),
    ("idempotent", False),
)


@pytest.mark.parametrize(
    ("field", "value"), SPEC_PASSES, ids=[f"{f}={v!r}" for f, v in SPEC_PASSES]
)
def test_spec_accepts_field(field: str, value: object) -> None:
    built = TaskSpec(**_spec_fields(**{field: value}))
    assert getattr(built, field) == value


def test_base_above_max_blocks_spec() -> None:
    # exp() raises before TaskSpec runs, so no spec can hold such a backoff.
    with pytest.raises(ValueError) as caught:
        TaskSpec(**_spec_fields(retry_delay=exp(base=2 * H, max=1 * H)))
    assert str(caught.value) == (
        "backoff base 7200 s is greater than max 3600 s: raise max or lower base"
    )
    assert not isinstance(caught.value, InvalidTaskSpecError)


def test_spec_error_pickles() -> None:
    error = InvalidTaskSpecError("task type 'a' has max_retry -1", "a", "max_retry")
    restored = pickle.loads(pickle.dumps(error))
    assert str(restored) == "task type 'a' has max_retry -1"
    assert restored.task_type == "a"
    assert restored.field == "max_retry"


# Queue

QUEUE_FAILURES = (
    Bad("name", "", "", "queue has an empty name: name it like 'default'"),
    Bad(
        "name",
        7,
        None,
        "queue has name 7 of type int: name it with a string like 'default'",
    ),
    Bad(
        "weight",
        0,
        "bulk",
        "queue 'bulk' has weight 0: use a weight of 1 or more so the queue is served",
    ),
    Bad(
        "weight",
        1.5,
        "bulk",
        "queue 'bulk' has weight 1.5 of type float: pass an int such as 4",
    ),
    Bad(
        "weight",
        True,
        "bulk",
        "queue 'bulk' has weight True of type bool: pass an int such as 4",
    ),
    Bad(
        "concurrency",
        0,
        "bulk",
        "queue 'bulk' has concurrency 0: use 1 or more workers",
    ),
    Bad(
        "concurrency",
        None,
        "bulk",
        "queue 'bulk' has concurrency None of type NoneType: pass an int such as 4",
    ),
    Bad(
        "shed_above",
        -1,
        "bulk",
        "queue 'bulk' has shed_above -1: "
        "use a depth of 0 or more, or None to never shed",
    ),
    Bad(
        "shed_above",
        "10",
        "bulk",
        "queue 'bulk' has shed_above '10' of type str: pass an int such as 4",
    ),
)


@pytest.mark.parametrize("row", QUEUE_FAILURES, ids=_row_id)
def test_queue_rejects_field(row: Bad) -> None:
    with pytest.raises(InvalidQueueError) as caught:
        Queue(**_queue_fields(**{row.field: row.value}))
    assert str(caught.value) == row.message
    assert caught.value.queue == row.entry
    assert caught.value.task_type is None
    assert caught.value.field == row.field


def test_queue_error_is_spec_error() -> None:
    with pytest.raises(InvalidTaskSpecError):
        Queue(**_queue_fields(weight=0))


@pytest.mark.parametrize(
    ("field", "value"),
    [("shed_above", None), ("shed_above", 0), ("weight", 1), ("concurrency", 64)],
)
def test_queue_accepts_field(field: str, value: object) -> None:
    built = Queue(**_queue_fields(**{field: value}))
    assert getattr(built, field) == value


def test_queue_error_pickles() -> None:
    error = InvalidQueueError("queue 'bulk' has weight 0", "bulk", "weight")
    restored = pickle.loads(pickle.dumps(error))
    assert str(restored) == "queue 'bulk' has weight 0"
    assert restored.queue == "bulk"
    assert restored.task_type is None
    assert restored.field == "weight"


# Catalog index

REPORT_BUILD = TaskSpec(
    type="report.build",
    queue="low",
    max_retry=3,
    timeout=timedelta(minutes=5),
    retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=1)),
    unique_ttl=timedelta(0),
    idempotent=False,
    human_name="Build report",
)
REPORT_SEND = TaskSpec(
    type="report.send",
    queue="default",
    max_retry=5,
    timeout=timedelta(seconds=30),
    retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=30)),
    unique_ttl=timedelta(minutes=10),
    idempotent=True,
    human_name="Send report",
)
REPORTS_QUEUE = Queue(name="reports", weight=2, concurrency=2, shed_above=100)


def test_index_in_catalog_order() -> None:
    index = build_index([REPORT_SEND, REPORT_BUILD])
    assert list(index) == ["report.send", "report.build"]
    assert index["report.build"] is REPORT_BUILD


def test_index_empty_catalog() -> None:
    assert build_index([]) == {}


def test_index_custom_topology() -> None:
    moved = TaskSpec(**_spec_fields(type="report.build", queue="reports"))
    index = build_index([moved], [REPORTS_QUEUE])
    assert index == {"report.build": moved}


def test_index_rejects_duplicate_type() -> None:
    with pytest.raises(InvalidTaskSpecError) as caught:
        build_index([REPORT_BUILD, REPORT_SEND, REPORT_BUILD])
    assert str(caught.value) == (
        "task type 'report.build' appears twice in the catalog: "
        "remove or rename one entry"
    )
    assert caught.value.task_type == "report.build"
    assert caught.value.field == "type"


def test_index_rejects_unknown_queue() -> None:
    with pytest.raises(InvalidTaskSpecError) as caught:
        build_index([REPORT_SEND, REPORT_BUILD], [REPORTS_QUEUE])
    assert str(caught.value) == (
        "task type 'report.send' names unknown queue 'default': "
        "use one of reports, or add the queue to the topology"
    )
    assert caught.value.task_type == "report.send"
    assert caught.value.field == "queue"


def test_index_lists_shipped_queues() -> None:
    misplaced = TaskSpec(**_spec_fields(queue="fast"))
    with pytest.raises(InvalidTaskSpecError) as caught:
        build_index([misplaced])
    assert str(caught.value) == (
        "task type 'report.weekly' names unknown queue 'fast': use one of "
        "critical, default, media, cache, migrate, plugins, low, "
        "or add the queue to the topology"
    )


def test_index_rejects_duplicate_queue() -> None:
    with pytest.raises(InvalidQueueError) as caught:
        build_index([REPORT_SEND], [*QUEUES, QUEUES[1]])
    assert str(caught.value) == (
        "queue 'default' appears twice in the topology: remove or rename one entry"
    )
    assert caught.value.queue == "default"
    assert caught.value.field == "name"


def test_index_queues_by_name() -> None:
    index = index_queues(QUEUES)
    assert list(index) == [entry.name for entry in QUEUES]
    assert index["media"] is QUEUES[2]


# Import time

BAD_REGISTRY = """
from datetime import timedelta

from registry import TaskSpec, build_index, exp

CATALOG = (
    TaskSpec(
        type="report.build",
        queue="low",
        max_retry=-1,
        timeout=timedelta(minutes=5),
        retry_delay=exp(),
        unique_ttl=timedelta(0),
        idempotent=False,
        human_name="Build report",
    ),
)

INDEX = build_index(CATALOG)
"""

DUPLICATE_REGISTRY = """
from registry import build_index
from registry.catalog import CATALOG

INDEX = build_index(CATALOG + CATALOG[:1])
"""


@pytest.fixture
def module_folder(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))


def _import_source(folder: Path, name: str, source: str) -> None:
    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    importlib.invalidate_caches()
    try:
        importlib.import_module(name)
    finally:
        sys.modules.pop(name, None)


def test_import_fails_on_bad_field(module_folder: Path) -> None:
    with pytest.raises(InvalidTaskSpecError) as caught:
        _import_source(module_folder, "bad_report_registry", BAD_REGISTRY)
    assert str(caught.value) == (
        "task type 'report.build' has max_retry -1: "
        "use 0 for no retries or a positive count"
    )
    assert caught.value.task_type == "report.build"
    assert caught.value.field == "max_retry"


def test_import_fails_on_duplicate(module_folder: Path) -> None:
    with pytest.raises(InvalidTaskSpecError) as caught:
        _import_source(module_folder, "duplicate_registry", DUPLICATE_REGISTRY)
    assert str(caught.value) == (
        "task type 'email.send' appears twice in the catalog: "
        "remove or rename one entry"
    )
    assert caught.value.field == "type"
