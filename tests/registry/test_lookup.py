"""SpecResolver: spec lookup by function or mapping, and suggestion names."""

from __future__ import annotations

from datetime import timedelta
from typing import List, Optional

import pytest

from registry import (
    SpecResolver,
    TaskSpec,
    UnknownTaskTypeError,
    build_index,
    exp,
    spec,
    task_types,
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
REPORT_INDEX = build_index([REPORT_SEND])


def test_default_is_shipped_catalog() -> None:
    resolver = SpecResolver()
    assert resolver.get("email.send") is spec("email.send")
    assert resolver.known_types == task_types()


def test_mapping_names_are_keys() -> None:
    resolver = SpecResolver(REPORT_INDEX)
    assert resolver.get("report.send") is REPORT_SEND
    assert resolver.get("email.send") is None
    assert resolver.known_types == ("report.send",)


def test_function_names_filtered() -> None:
    def shipped_email_only(task_type: str) -> Optional[TaskSpec]:
        return spec(task_type) if task_type.startswith("email.") else None

    resolver = SpecResolver(shipped_email_only)
    assert resolver.known_types == (
        "email.send",
        "email.password_reset",
        "email.verify",
        "email.comment_notify",
    )


def test_function_without_known_types() -> None:
    resolver = SpecResolver(REPORT_INDEX.get)
    assert resolver.known_types == ()
    with pytest.raises(UnknownTaskTypeError) as caught:
        resolver.require("report.sned")
    assert caught.value.suggestions == ()


def test_explicit_known_types_win() -> None:
    resolver = SpecResolver(REPORT_INDEX, known_types=["report.send", "x"])
    assert resolver.known_types == ("report.send", "x")


def test_require_returns_spec() -> None:
    assert SpecResolver(REPORT_INDEX).require("report.send") is REPORT_SEND


def test_require_suggests() -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        SpecResolver(REPORT_INDEX).require("report.sned")
    assert str(caught.value) == (
        "unknown task type 'report.sned': did you mean 'report.send'?"
    )


def test_names_computed_on_failure() -> None:
    calls: List[str] = []

    def counting(task_type: str) -> Optional[TaskSpec]:
        calls.append(task_type)
        return spec(task_type)

    resolver = SpecResolver(counting)
    resolver.require("email.send")
    assert calls == ["email.send"]
    with pytest.raises(UnknownTaskTypeError):
        resolver.require("email.sned")
    assert len(calls) == 2 + len(task_types())
