"""Worker start-up check: every unsafe or unknown handler, reported at once."""

from __future__ import annotations

import functools
import pickle
from datetime import timedelta
from typing import Any, Dict

import pytest

from registry import (
    CATALOG,
    HandlerRegistry,
    TaskSpec,
    WorkerStartupError,
    build_index,
    check_worker,
    exp,
    problems,
)

Payload = Dict[str, Any]

REPORT_SPECS = (
    TaskSpec(
        type="report.build",
        queue="low",
        max_retry=3,
        timeout=timedelta(minutes=5),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=1)),
        unique_ttl=timedelta(0),
        idempotent=False,
        human_name="Build report",
    ),
    TaskSpec(
        type="report.send",
        queue="default",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=30)),
        unique_ttl=timedelta(minutes=10),
        idempotent=True,
        human_name="Send report",
    ),
)
REPORT_INDEX = build_index(REPORT_SPECS)


def run_task(payload: Payload) -> None:
    pass


def roll_back(payload: Payload) -> None:
    pass


def import_users(payload: Payload) -> None:
    pass


def generate_variant(payload: Payload) -> None:
    pass


@pytest.fixture
def handlers() -> HandlerRegistry:
    return HandlerRegistry()


@pytest.fixture
def reports() -> HandlerRegistry:
    return HandlerRegistry(catalog=REPORT_SPECS)


def _missing(task_type: str, name: str) -> str:
    return (
        f"task type {task_type!r} is not idempotent but its handler "
        f"{__name__}.{name} has no compensation: add compensate=..., "
        f"an @{name}.compensate function or a compensate method"
    )


# Shipped catalog


def test_empty_registry_passes(handlers: HandlerRegistry) -> None:
    assert problems(handlers) == []
    check_worker(handlers)


def test_safe_handlers_pass(handlers: HandlerRegistry) -> None:
    handlers.handle("email.send", run_task)
    handlers.handle("migrate.batch.posts", run_task, compensate=roll_back)
    registered = handlers.handle("migrate.batch.media", run_task)
    registered.compensate(roll_back)
    assert problems(handlers) == []
    check_worker(handlers)


def test_class_not_instantiated(handlers: HandlerRegistry) -> None:
    class TranscodeVideo:
        def __init__(self) -> None:
            raise AssertionError("the check must not create an instance")

        def run(self, payload: Payload) -> None:
            pass

        def compensate(self, payload: Payload) -> None:
            pass

    handlers.handle("media.video.transcode", TranscodeVideo)
    assert problems(handlers) == []


def test_missing_compensation_reported(handlers: HandlerRegistry) -> None:
    handlers.handle("migrate.batch.users", import_users)
    assert problems(handlers) == [_missing("migrate.batch.users", "import_users")]


def test_every_problem_sorted(handlers: HandlerRegistry) -> None:
    handlers.handle("migrate.batch.users", import_users)
    handlers.handle("email.send", run_task)
    handlers.handle("media.variant.generate", generate_variant)
    assert problems(handlers) == [
        _missing("media.variant.generate", "generate_variant"),
        _missing("migrate.batch.users", "import_users"),
    ]


def test_partial_handler_reported(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("migrate.batch.posts", functools.partial(run_task))
    assert problems(handlers) == [
        "task type 'migrate.batch.posts' is not idempotent but its handler "
        f"{registered.qualified_name} has no compensation: "
        "add compensate=... to its registration"
    ]


def test_error_lists_every_problem(handlers: HandlerRegistry) -> None:
    handlers.handle("migrate.batch.users", import_users)
    handlers.handle("media.variant.generate", generate_variant)
    with pytest.raises(WorkerStartupError) as caught:
        check_worker(handlers)
    assert str(caught.value) == "\n".join(
        [
            "worker start-up check found 2 problems:",
            _missing("media.variant.generate", "generate_variant"),
            _missing("migrate.batch.users", "import_users"),
        ]
    )
    assert caught.value.problems == (
        _missing("media.variant.generate", "generate_variant"),
        _missing("migrate.batch.users", "import_users"),
    )


def test_error_single_problem(handlers: HandlerRegistry) -> None:
    handlers.handle("migrate.batch.users", import_users)
    with pytest.raises(WorkerStartupError) as caught:
        check_worker(handlers)
    assert str(caught.value) == (
        "worker start-up check found 1 problem:\n"
        + _missing("migrate.batch.users", "import_users")
    )


def test_startup_error_pickles() -> None:
    error = WorkerStartupError(["b problem", "a problem"])
    restored = pickle.loads(pickle.dumps(error))
    assert restored.problems == ("a problem", "b problem")
    assert str(restored) == str(error)


def test_type_missing_from_lookup(handlers: HandlerRegistry) -> None:
    # The handlers accept the shipped catalog; the lookup is the report index.
    handlers.handle("email.send", run_task)
    assert problems(handlers, lookup=REPORT_INDEX) == [
        f"task type 'email.send' has handler {__name__}.run_task but is not in "
        "the registry: add it to the registry catalog or remove the handler"
    ]


def test_missing_type_suggests(handlers: HandlerRegistry) -> None:
    handlers.handle("email.send", run_task)
    found = problems(handlers, lookup=REPORT_INDEX.get, known_types=["email.sent"])
    assert found == [
        f"task type 'email.send' has handler {__name__}.run_task but is not in "
        "the registry: did you mean 'email.sent'?"
    ]


def test_both_kinds_sorted(handlers: HandlerRegistry) -> None:
    handlers.handle("migrate.batch.users", import_users)
    handlers.handle("email.send", run_task)
    without_email = {
        entry.type: entry for entry in CATALOG if entry.type != "email.send"
    }
    assert problems(handlers, lookup=without_email) == [
        f"task type 'email.send' has handler {__name__}.run_task but is not in "
        "the registry: did you mean 'email.verify'?",
        _missing("migrate.batch.users", "import_users"),
    ]


# Report registry written in this file


def test_report_safe_passes(reports: HandlerRegistry) -> None:
    reports.handle("report.build", run_task, compensate=roll_back)
    reports.handle("report.send", run_task)
    assert problems(reports, lookup=REPORT_INDEX) == []
    check_worker(reports, lookup=REPORT_INDEX)


def test_report_missing_compensation(reports: HandlerRegistry) -> None:
    reports.handle("report.build", run_task)
    with pytest.raises(WorkerStartupError) as caught:
        check_worker(reports, lookup=REPORT_INDEX)
    assert caught.value.problems == (_missing("report.build", "run_task"),)


def test_report_unknown_to_shipped(reports: HandlerRegistry) -> None:
    # The default lookup is the shipped catalog, which lacks the report types.
    reports.handle("report.send", run_task)
    assert problems(reports) == [
        f"task type 'report.send' has handler {__name__}.run_task but is not in "
        "the registry: add it to the registry catalog or remove the handler"
    ]


def test_report_type_dropped(reports: HandlerRegistry) -> None:
    reports.handle("report.build", run_task)
    reports.handle("report.send", run_task)
    only_send = build_index(REPORT_SPECS[1:])
    assert problems(reports, lookup=only_send) == [
        f"task type 'report.build' has handler {__name__}.run_task but is not in "
        "the registry: did you mean 'report.send'?"
    ]
