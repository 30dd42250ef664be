"""Dispatcher: handler runs, compensation before retries, async handlers, errors.

Each test builds its own HandlerRegistry. Tests run on the shipped catalog
and on the two-entry report registry below.
"""

from __future__ import annotations

import asyncio
import inspect
import pickle
from datetime import timedelta
from typing import Any, Coroutine, Dict, List

import pytest

from registry import (
    CompensationError,
    Dispatcher,
    HandlerRegistry,
    MissingCompensationError,
    NoHandlerError,
    TaskSpec,
    UnknownTaskTypeError,
    build_index,
    exp,
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


class Journal:
    """Records the calls of handlers and compensations, in order."""

    def __init__(self) -> None:
        self.calls: List[str] = []

    def run(self, payload: Payload) -> str:
        self.calls.append(f"run {payload['id']}")
        return f"done {payload['id']}"

    def compensate(self, payload: Payload) -> None:
        self.calls.append(f"compensate {payload['id']}")

    def fail(self, payload: Payload) -> None:
        self.calls.append(f"compensate {payload['id']}")
        raise OSError("disk full")

    async def run_async(self, payload: Payload) -> str:
        await asyncio.sleep(0)
        self.calls.append(f"run {payload['id']}")
        return f"done {payload['id']}"

    async def compensate_async(self, payload: Payload) -> None:
        await asyncio.sleep(0)
        self.calls.append(f"compensate {payload['id']}")

    async def fail_async(self, payload: Payload) -> None:
        await asyncio.sleep(0)
        self.calls.append(f"compensate {payload['id']}")
        raise OSError("disk full")


@pytest.fixture
def journal() -> Journal:
    return Journal()


@pytest.fixture
def handlers() -> HandlerRegistry:
    return HandlerRegistry()


@pytest.fixture
def reports() -> HandlerRegistry:
    return HandlerRegistry(catalog=REPORT_SPECS)


# Shipped catalog: synchronous handlers


def test_first_run_calls_handler(handlers: HandlerRegistry, journal: Journal) -> None:
    handlers.handle("migrate.batch.posts", journal.run, compensate=journal.compensate)
    result = Dispatcher(handlers).run("migrate.batch.posts", {"id": 1})
    assert result == "done 1"
    assert journal.calls == ["run 1"]


def test_retry_compensates_first(handlers: HandlerRegistry, journal: Journal) -> None:
    handlers.handle("migrate.batch.posts", journal.run, compensate=journal.compensate)
    result = Dispatcher(handlers).run("migrate.batch.posts", {"id": 1}, retries=2)
    assert result == "done 1"
    assert journal.calls == ["compensate 1", "run 1"]


def test_idempotent_retry_skips_compensation(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle("email.send", journal.run, compensate=journal.compensate)
    result = Dispatcher(handlers).run("email.send", {"id": 4}, retries=3)
    assert result == "done 4"
    assert journal.calls == ["run 4"]


def test_compensate_decorator_runs(handlers: HandlerRegistry, journal: Journal) -> None:
    registered = handlers.handle("media.variant.generate", journal.run)
    registered.compensate(journal.compensate)
    Dispatcher(handlers).run("media.variant.generate", {"id": 5}, retries=1)
    assert journal.calls == ["compensate 5", "run 5"]


def test_class_compensate_method_runs(handlers: HandlerRegistry) -> None:
    calls: List[str] = []

    class TranscodeVideo:
        def run(self, payload: Payload) -> str:
            calls.append("run")
            return "transcoded"

        def compensate(self, payload: Payload) -> None:
            calls.append("compensate")

    handlers.handle("media.video.transcode", TranscodeVideo)
    result = Dispatcher(handlers).run("media.video.transcode", {}, retries=1)
    assert result == "transcoded"
    assert calls == ["compensate", "run"]


def test_compensation_failure_stops_retry(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle("migrate.batch.posts", journal.run, compensate=journal.fail)
    with pytest.raises(CompensationError) as caught:
        Dispatcher(handlers).run("migrate.batch.posts", {"id": 1}, retries=2)
    assert str(caught.value) == (
        "compensation of 'migrate.batch.posts' failed before retry 2: "
        "OSError: disk full; the retry did not run"
    )
    assert journal.calls == ["compensate 1"]


def test_compensation_error_fields(handlers: HandlerRegistry, journal: Journal) -> None:
    handlers.handle("migrate.batch.posts", journal.run, compensate=journal.fail)
    with pytest.raises(CompensationError) as caught:
        Dispatcher(handlers).run("migrate.batch.posts", {"id": 1}, retries=2)
    assert caught.value.task_type == "migrate.batch.posts"
    assert caught.value.retries == 2
    assert caught.value.detail == "OSError: disk full"
    assert isinstance(caught.value.__cause__, OSError)
    assert str(caught.value.__cause__) == "disk full"


def test_compensation_empty_message(handlers: HandlerRegistry) -> None:
    def rollback(payload: Payload) -> None:
        raise KeyError

    handlers.handle("migrate.batch.users", lambda payload: None, compensate=rollback)
    with pytest.raises(CompensationError) as caught:
        Dispatcher(handlers).run("migrate.batch.users", {}, retries=1)
    assert str(caught.value) == (
        "compensation of 'migrate.batch.users' failed before retry 1: "
        "KeyError; the retry did not run"
    )


def test_compensation_error_pickles() -> None:
    error = CompensationError("migrate.batch.posts", 2, "OSError: disk full")
    restored = pickle.loads(pickle.dumps(error))
    assert str(restored) == str(error)
    assert restored.retries == 2


def test_handler_error_propagates(handlers: HandlerRegistry) -> None:
    def send(payload: Payload) -> None:
        raise ConnectionError("SMTP server closed the connection")

    handlers.handle("email.send", send)
    with pytest.raises(ConnectionError) as caught:
        Dispatcher(handlers).run("email.send", {})
    assert str(caught.value) == "SMTP server closed the connection"


def test_missing_compensation_stops_retry(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    registered = handlers.handle("migrate.batch.media", journal.run)
    with pytest.raises(MissingCompensationError) as caught:
        Dispatcher(handlers).run("migrate.batch.media", {"id": 9}, retries=1)
    assert str(caught.value) == (
        "task type 'migrate.batch.media' is not idempotent but its handler "
        f"{registered.qualified_name} has no compensation, so retry 1 did not "
        "run: declare a compensation and run check_worker at start-up"
    )
    assert journal.calls == []


def test_missing_compensation_first_run(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle("migrate.batch.media", journal.run)
    assert Dispatcher(handlers).run("migrate.batch.media", {"id": 9}) == "done 9"


def test_missing_compensation_pickles() -> None:
    error = MissingCompensationError("migrate.batch.media", 1, "app.import_media")
    restored = pickle.loads(pickle.dumps(error))
    assert str(restored) == str(error)
    assert restored.handler == "app.import_media"


# Shipped catalog: lookup errors and arguments


def test_unknown_type_suggests(handlers: HandlerRegistry) -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        Dispatcher(handlers).run("email.sned", {})
    assert str(caught.value) == (
        "unknown task type 'email.sned': did you mean 'email.send' or 'email.verify'?"
    )
    assert caught.value.suggestions == ("email.send", "email.verify")


def test_no_handler_raises(handlers: HandlerRegistry) -> None:
    with pytest.raises(NoHandlerError) as caught:
        Dispatcher(handlers).run("email.send", {})
    assert str(caught.value) == (
        "task type 'email.send' has no registered handler: "
        "register one with @handler('email.send')"
    )
    assert caught.value.task_type == "email.send"


def test_no_handler_is_lookup_error() -> None:
    assert issubclass(NoHandlerError, LookupError)


def test_no_handler_pickles() -> None:
    restored = pickle.loads(pickle.dumps(NoHandlerError("email.send")))
    assert restored.task_type == "email.send"


def test_negative_retries_rejected(handlers: HandlerRegistry, journal: Journal) -> None:
    handlers.handle("email.send", journal.run)
    with pytest.raises(ValueError) as caught:
        Dispatcher(handlers).run("email.send", {"id": 1}, retries=-1)
    assert str(caught.value) == (
        "retries must be 0 or more, got -1: pass 0 for the first run and n for retry n"
    )
    assert journal.calls == []


def test_bool_retries_rejected(handlers: HandlerRegistry, journal: Journal) -> None:
    handlers.handle("email.send", journal.run)
    with pytest.raises(TypeError) as caught:
        Dispatcher(handlers).run("email.send", {"id": 1}, retries=True)
    assert str(caught.value) == (
        "retries must be an int, got True: pass 0 for the first run and n for retry n"
    )


# Shipped catalog: async handlers


def test_run_rejects_async_handler(handlers: HandlerRegistry, journal: Journal) -> None:
    handlers.handle("webhook.deliver", journal.run_async)
    with pytest.raises(TypeError) as caught:
        Dispatcher(handlers).run("webhook.deliver", {"id": 1})
    assert str(caught.value) == (
        "handler of 'webhook.deliver' is async: "
        "call Dispatcher.run_async instead of run"
    )
    assert journal.calls == []


def test_run_rejects_async_class(handlers: HandlerRegistry) -> None:
    class WarmCache:
        async def run(self, payload: Payload) -> str:
            return "warm"

    handlers.handle("cache.warmup", WarmCache)
    with pytest.raises(TypeError) as caught:
        Dispatcher(handlers).run("cache.warmup", {})
    assert str(caught.value) == (
        "handler of 'cache.warmup' is async: call Dispatcher.run_async instead of run"
    )


def test_run_rejects_async_compensation(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle(
        "migrate.batch.posts", journal.run, compensate=journal.compensate_async
    )
    with pytest.raises(TypeError) as caught:
        Dispatcher(handlers).run("migrate.batch.posts", {"id": 1}, retries=1)
    assert str(caught.value) == (
        "compensation of 'migrate.batch.posts' is async: "
        "call Dispatcher.run_async instead of run"
    )
    assert journal.calls == []


def test_run_rejects_returned_awaitable(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    returned: List[Coroutine[Any, Any, str]] = []

    def deliver(payload: Payload) -> Coroutine[Any, Any, str]:
        coroutine = journal.run_async(payload)
        returned.append(coroutine)
        return coroutine

    handlers.handle("webhook.deliver", deliver)
    with pytest.raises(TypeError) as caught:
        Dispatcher(handlers).run("webhook.deliver", {"id": 1})
    assert str(caught.value) == (
        "handler of 'webhook.deliver' returned an awaitable, which run cannot "
        "await: call Dispatcher.run_async instead of run"
    )
    assert inspect.getcoroutinestate(returned[0]) == inspect.CORO_CLOSED


def test_run_async_awaits_handler(handlers: HandlerRegistry, journal: Journal) -> None:
    handlers.handle("webhook.deliver", journal.run_async)
    dispatcher = Dispatcher(handlers)
    result = asyncio.run(dispatcher.run_async("webhook.deliver", {"id": 2}))
    assert result == "done 2"
    assert journal.calls == ["run 2"]


def test_run_async_compensates_first(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle(
        "media.video.transcode", journal.run_async, compensate=journal.compensate_async
    )
    dispatcher = Dispatcher(handlers)
    asyncio.run(dispatcher.run_async("media.video.transcode", {"id": 3}, retries=1))
    assert journal.calls == ["compensate 3", "run 3"]


def test_run_async_mixed_sync_parts(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle("migrate.batch.posts", journal.run, compensate=journal.compensate)
    dispatcher = Dispatcher(handlers)
    result = asyncio.run(dispatcher.run_async("migrate.batch.posts", {"id": 4}, 1))
    assert result == "done 4"
    assert journal.calls == ["compensate 4", "run 4"]


def test_run_async_idempotent_retry(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle(
        "webhook.deliver", journal.run_async, compensate=journal.compensate_async
    )
    dispatcher = Dispatcher(handlers)
    asyncio.run(dispatcher.run_async("webhook.deliver", {"id": 6}, retries=4))
    assert journal.calls == ["run 6"]


def test_run_async_compensation_failure(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle(
        "migrate.batch.users", journal.run_async, compensate=journal.fail_async
    )
    dispatcher = Dispatcher(handlers)
    with pytest.raises(CompensationError) as caught:
        asyncio.run(dispatcher.run_async("migrate.batch.users", {"id": 7}, 3))
    assert str(caught.value) == (
        "compensation of 'migrate.batch.users' failed before retry 3: "
        "OSError: disk full; the retry did not run"
    )
    assert isinstance(caught.value.__cause__, OSError)
    assert journal.calls == ["compensate 7"]


def test_run_async_unknown_type(handlers: HandlerRegistry) -> None:
    dispatcher = Dispatcher(handlers)
    with pytest.raises(UnknownTaskTypeError) as caught:
        asyncio.run(dispatcher.run_async("webhook.delivr", {}))
    assert str(caught.value) == (
        "unknown task type 'webhook.delivr': did you mean 'webhook.deliver'?"
    )


def test_run_async_missing_compensation(
    handlers: HandlerRegistry, journal: Journal
) -> None:
    handlers.handle("media.variant.generate", journal.run_async)
    dispatcher = Dispatcher(handlers)
    with pytest.raises(MissingCompensationError):
        asyncio.run(dispatcher.run_async("media.variant.generate", {"id": 1}, 1))
    assert journal.calls == []


# Report registry written in this file


def test_report_retry_compensates(reports: HandlerRegistry, journal: Journal) -> None:
    reports.handle("report.build", journal.run, compensate=journal.compensate)
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX)
    assert dispatcher.run("report.build", {"id": 1}, retries=1) == "done 1"
    assert journal.calls == ["compensate 1", "run 1"]


def test_report_idempotent_retry(reports: HandlerRegistry, journal: Journal) -> None:
    reports.handle("report.send", journal.run, compensate=journal.compensate)
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX)
    assert dispatcher.run("report.send", {"id": 2}, retries=5) == "done 2"
    assert journal.calls == ["run 2"]


def test_report_compensation_failure(
    reports: HandlerRegistry, journal: Journal
) -> None:
    reports.handle("report.build", journal.run, compensate=journal.fail)
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX)
    with pytest.raises(CompensationError) as caught:
        dispatcher.run("report.build", {"id": 3}, retries=1)
    assert str(caught.value) == (
        "compensation of 'report.build' failed before retry 1: "
        "OSError: disk full; the retry did not run"
    )


def test_report_unknown_type(reports: HandlerRegistry) -> None:
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX)
    with pytest.raises(UnknownTaskTypeError) as caught:
        dispatcher.run("report.buld", {})
    assert caught.value.suggestions == ("report.build", "report.send")


def test_report_rejects_shipped_type(reports: HandlerRegistry) -> None:
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX)
    with pytest.raises(UnknownTaskTypeError) as caught:
        dispatcher.run("email.send", {})
    assert str(caught.value) == (
        "unknown task type 'email.send': add it to the registry catalog or fix the name"
    )


def test_report_no_handler(reports: HandlerRegistry) -> None:
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX)
    with pytest.raises(NoHandlerError) as caught:
        dispatcher.run("report.send", {})
    assert caught.value.task_type == "report.send"


def test_report_function_lookup(reports: HandlerRegistry, journal: Journal) -> None:
    reports.handle("report.build", journal.run, compensate=journal.compensate)
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX.get, known_types=REPORT_INDEX)
    dispatcher.run("report.build", {"id": 8}, retries=2)
    assert journal.calls == ["compensate 8", "run 8"]
    with pytest.raises(UnknownTaskTypeError) as caught:
        dispatcher.run("report.sned", {})
    assert caught.value.suggestions == ("report.send", "report.build")


def test_report_run_async(reports: HandlerRegistry, journal: Journal) -> None:
    reports.handle(
        "report.build", journal.run_async, compensate=journal.compensate_async
    )
    dispatcher = Dispatcher(reports, lookup=REPORT_INDEX)
    result = asyncio.run(dispatcher.run_async("report.build", {"id": 9}, 1))
    assert result == "done 9"
    assert journal.calls == ["compensate 9", "run 9"]
