"""Every catalog entry matches the expected table in this file, field by field."""

from __future__ import annotations

import ast
import dataclasses
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple, Tuple, Union

import pytest

import registry.catalog
from registry import (
    CATALOG,
    QUEUES,
    WEBHOOK_SCHEDULE,
    ExponentialBackoff,
    TaskSpec,
    spec,
    task_types,
)

S = timedelta(seconds=1)
MIN = timedelta(minutes=1)
H = timedelta(hours=1)
DAY = timedelta(days=1)
NONE = timedelta(0)

WEBHOOK_STEPS = (1 * S, 5 * S, 30 * S, 2 * MIN, 10 * MIN, 1 * H, 6 * H)


class Row(NamedTuple):
    type: str
    queue: str
    # Exponential backoff (base, max), or "webhook" for the fixed schedule.
    retry: Union[Tuple[timedelta, timedelta], str]
    max_retry: int
    timeout: timedelta
    unique_ttl: timedelta
    idempotent: bool


# fmt: off
ROWS = (
    Row("email.send", "default", (5 * S, 1 * H), 10, 30 * S, NONE, True),
    Row("email.password_reset", "critical", (2 * S, 5 * MIN), 5, 30 * S, NONE, True),
    Row("email.verify", "critical", (2 * S, 5 * MIN), 5, 30 * S, NONE, True),
    Row("email.comment_notify", "default", (30 * S, 6 * H), 8, 30 * S, NONE, True),
    Row("webhook.deliver", "default", "webhook", 8, 30 * S, NONE, True),
    Row("cache.invalidate.tag_fanout", "cache", (1 * S, 5 * MIN), 5, 30 * S,
        30 * S, True),
    Row("cache.warmup", "cache", (5 * S, 30 * MIN), 3, 5 * MIN, 1 * H, True),
    Row("media.variant.generate", "media", (10 * S, 1 * H), 5, 30 * S, NONE,
        False),
    Row("media.video.transcode", "media", (30 * S, 2 * H), 3, 10 * MIN, NONE,
        False),
    Row("media.thumbnail.extract", "media", (10 * S, 30 * MIN), 5, 30 * S, NONE,
        True),
    Row("media.cleanup.orphans", "low", (5 * MIN, 6 * H), 3, 30 * MIN, 24 * H,
        True),
    Row("media.cleanup.cold_variants", "low", (5 * MIN, 6 * H), 3, 30 * MIN,
        24 * H, True),
    Row("revalidate.next", "default", (1 * S, 10 * MIN), 8, 30 * S, 10 * S, True),
    Row("migrate.batch.posts", "migrate", (30 * S, 2 * H), 5, 10 * MIN, NONE,
        False),
    Row("migrate.batch.media", "migrate", (30 * S, 2 * H), 5, 10 * MIN, NONE,
        False),
    Row("migrate.batch.users", "migrate", (30 * S, 2 * H), 5, 10 * MIN, NONE,
        False),
    Row("migrate.verify", "migrate", (60 * S, 2 * H), 3, 30 * MIN, NONE, True),
    Row("audit.archive", "low", (5 * MIN, 6 * H), 3, 2 * H, 7 * DAY, True),
    Row("auth.session.cleanup", "low", (1 * MIN, 1 * H), 3, 30 * S, 1 * H, True),
    Row("auth.token.cleanup", "low", (1 * MIN, 1 * H), 3, 30 * S, 1 * H, True),
    Row("auth.brute_force.unlock", "default", (30 * S, 1 * H), 3, 30 * S, NONE,
        True),
    Row("search.reindex.post", "default", (5 * S, 30 * MIN), 5, 30 * S, 60 * S,
        True),
    Row("search.reindex.term", "default", (5 * S, 30 * MIN), 5, 30 * S, 60 * S,
        True),
    Row("search.reindex.comment", "default", (5 * S, 30 * MIN), 5, 30 * S,
        60 * S, True),
    Row("search.reindex.full", "low", (5 * MIN, 6 * H), 3, 2 * H, 2 * H, True),
    Row("revisions.purge", "low", (5 * MIN, 6 * H), 3, 30 * MIN, 24 * H, True),
    Row("autosave.purge", "low", (5 * MIN, 6 * H), 3, 5 * MIN, 1 * H, True),
    Row("rum.aggregate", "low", (1 * MIN, 1 * H), 3, 5 * MIN, NONE, True),
    Row("plugin.activate", "plugins", (5 * S, 5 * MIN), 3, 30 * S, NONE, True),
    Row("plugin.deactivate", "plugins", (5 * S, 5 * MIN), 3, 30 * S, NONE, True),
    Row("plugin.uninstall.cleanup", "plugins", (30 * S, 1 * H), 5, 5 * MIN, NONE,
        True),
    Row("plugin.cron.tick", "plugins", (30 * S, 1 * H), 3, 30 * S, 60 * S, True),
    Row("webhook.retry.dlq.scan", "low", (5 * MIN, 1 * H), 3, 30 * S, 10 * MIN,
        True),
)
# fmt: on

NON_IDEMPOTENT = {
    "media.variant.generate",
    "media.video.transcode",
    "migrate.batch.posts",
    "migrate.batch.media",
    "migrate.batch.users",
}


def _spec_of(task_type: str) -> TaskSpec:
    found = spec(task_type)
    assert found is not None, f"{task_type!r} is missing from the catalog"
    return found


@pytest.mark.parametrize("row", ROWS, ids=[row.type for row in ROWS])
def test_spec_matches_row(row: Row) -> None:
    found = _spec_of(row.type)
    assert found.type == row.type
    assert found.queue == row.queue
    assert found.max_retry == row.max_retry
    assert found.timeout == row.timeout
    assert found.unique_ttl == row.unique_ttl
    assert found.idempotent is row.idempotent
    if row.retry == "webhook":
        assert found.retry_delay is WEBHOOK_SCHEDULE
    else:
        assert isinstance(found.retry_delay, ExponentialBackoff)
        assert (found.retry_delay.base, found.retry_delay.max) == row.retry


def test_table_covers_catalog() -> None:
    assert tuple(row.type for row in ROWS) == task_types()


def test_webhook_schedule_steps() -> None:
    assert WEBHOOK_SCHEDULE.steps == WEBHOOK_STEPS
    assert WEBHOOK_SCHEDULE.jitter == 0.1


def test_catalog_has_33_types() -> None:
    assert len(CATALOG) == 33
    assert len(task_types()) == 33


def test_task_types_unique() -> None:
    assert len(set(task_types())) == len(task_types())


def test_task_types_in_catalog_order() -> None:
    assert task_types() == tuple(entry.type for entry in CATALOG)


def test_exactly_five_non_idempotent() -> None:
    found = {entry.type for entry in CATALOG if not entry.idempotent}
    assert found == NON_IDEMPOTENT


def test_every_queue_exists() -> None:
    queue_names = {entry.name for entry in QUEUES}
    for entry in CATALOG:
        assert entry.queue in queue_names, entry.type


def test_human_names_non_empty() -> None:
    for entry in CATALOG:
        assert entry.human_name.strip(), entry.type


def test_timeouts_bounded() -> None:
    for entry in CATALOG:
        assert timedelta(0) < entry.timeout <= 2 * H, entry.type


def test_unknown_spec_is_none() -> None:
    assert spec("nope") is None


def test_spec_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _spec_of("email.send").max_retry = 1  # type: ignore[misc]


def _catalog_calls() -> Tuple[ast.Call, ...]:
    source = Path(registry.catalog.__file__).read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "CATALOG"
        ):
            assert isinstance(node.value, ast.Tuple)
            calls = node.value.elts
            assert all(isinstance(call, ast.Call) for call in calls)
            return tuple(call for call in calls if isinstance(call, ast.Call))
    raise AssertionError("registry/catalog.py has no annotated CATALOG")


def test_source_has_33_literal_calls() -> None:
    calls = _catalog_calls()
    assert len(calls) == 33
    for call in calls:
        assert isinstance(call.func, ast.Name)
        assert call.func.id == "TaskSpec"


def test_source_uses_keywords_only() -> None:
    fields = {field.name for field in dataclasses.fields(TaskSpec)}
    for call in _catalog_calls():
        assert call.args == []
        assert {keyword.arg for keyword in call.keywords} == fields


def test_source_type_is_string_literal() -> None:
    for call in _catalog_calls():
        value = next(k.value for k in call.keywords if k.arg == "type")
        assert isinstance(value, ast.Constant)
        assert isinstance(value.value, str)
