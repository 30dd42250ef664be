"""Handler registration, compensation forms and registration errors.

Every test builds its own HandlerRegistry, because example code registers
its handlers in the module default.
"""

from __future__ import annotations

import asyncio
import pickle
from datetime import timedelta
from typing import Any, Dict

import pytest

import registry.handlers
from registry import (
    DuplicateHandlerError,
    Handler,
    HandlerRegistry,
    TaskSpec,
    UnknownTaskTypeError,
    exp,
)
from registry.errors import closest_task_types

Payload = Dict[str, Any]


@pytest.fixture
def handlers() -> HandlerRegistry:
    return HandlerRegistry()


def send_email(payload: Payload) -> str:
    """Send one email."""
    return f"sent {payload['to']}"


def send_again(payload: Payload) -> str:
    return "again"


def remove_partial_variant(payload: Payload) -> str:
    return f"removed {payload['id']}"


class TranscodeVideo:
    """Transcode one video chunk."""

    def run(self, payload: Payload) -> str:
        return f"transcoded {payload['id']}"

    def compensate(self, payload: Payload) -> str:
        return f"dropped segments of {payload['id']}"


class ExtractThumbnail:
    def run(self, payload: Payload) -> str:
        return "extracted"


# Registration forms


def test_decorator_registers_function(handlers: HandlerRegistry) -> None:
    registered = handlers.handler("email.send")(send_email)
    assert isinstance(registered, Handler)
    assert handlers.get("email.send") is registered
    assert registered.task_type == "email.send"
    assert registered.target is send_email


def test_decorator_syntax_registers(handlers: HandlerRegistry) -> None:
    @handlers.handler("email.verify")
    def verify(payload: Payload) -> str:
        return "verified"

    assert isinstance(verify, Handler)
    assert handlers.get("email.verify") is verify


def test_handle_registers_function(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("search.reindex.term", send_email)
    assert handlers.get("search.reindex.term") is registered
    assert registered.target is send_email


def test_handler_calls_function(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("email.send", send_email)
    assert registered({"to": "ada@example.com"}) == "sent ada@example.com"


def test_handler_keeps_identity(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("email.send", send_email)
    assert registered.__name__ == "send_email"
    assert registered.__doc__ == "Send one email."
    assert registered.__module__ == send_email.__module__
    assert registered.__wrapped__ is send_email


def test_handler_repr(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("email.send", send_email)
    assert repr(registered) == f"Handler('email.send', {__name__}.send_email)"


def test_class_handler_runs(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("media.video.transcode", TranscodeVideo)
    assert registered({"id": 7}) == "transcoded 7"


def test_class_handler_keeps_identity(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("media.video.transcode", TranscodeVideo)
    assert registered.__name__ == "TranscodeVideo"
    assert registered.__doc__ == "Transcode one video chunk."
    # The class's compensate method must not replace Handler.compensate.
    assert getattr(registered.compensate, "__func__") is Handler.compensate
    assert registered.compensation is None


# Compensation forms


def test_compensate_keyword(handlers: HandlerRegistry) -> None:
    registered = handlers.handler(
        "media.variant.generate", compensate=remove_partial_variant
    )(send_email)
    assert registered.compensation is remove_partial_variant
    assert registered.compensation_hook() is remove_partial_variant


def test_compensate_keyword_on_handle(handlers: HandlerRegistry) -> None:
    registered = handlers.handle(
        "media.variant.generate", send_email, compensate=remove_partial_variant
    )
    assert registered.compensation_hook() is remove_partial_variant


def test_compensate_decorator(handlers: HandlerRegistry) -> None:
    @handlers.handler("migrate.batch.posts")
    def import_posts(payload: Payload) -> str:
        return "imported"

    @import_posts.compensate
    def rollback_posts(payload: Payload) -> str:
        return "rolled back"

    assert not isinstance(rollback_posts, Handler)
    assert rollback_posts({}) == "rolled back"
    assert import_posts.compensation_hook() is rollback_posts


def test_compensate_class_method(handlers: HandlerRegistry) -> None:
    registered = handlers.handler("media.video.transcode")(TranscodeVideo)
    hook = registered.compensation_hook()
    assert hook is not None
    assert hook({"id": 7}) == "dropped segments of 7"
    assert isinstance(getattr(hook, "__self__"), TranscodeVideo)


def test_keyword_wins_over_method(handlers: HandlerRegistry) -> None:
    registered = handlers.handle(
        "media.video.transcode", TranscodeVideo, compensate=remove_partial_variant
    )
    assert registered.compensation_hook() is remove_partial_variant


def test_no_compensation_is_none(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("email.send", send_email)
    assert registered.compensation_hook() is None


def test_class_without_compensate_none(handlers: HandlerRegistry) -> None:
    registered = handlers.handle("media.thumbnail.extract", ExtractThumbnail)
    assert registered.compensation_hook() is None


def test_second_compensation_rejected(handlers: HandlerRegistry) -> None:
    registered = handlers.handle(
        "media.variant.generate", send_email, compensate=remove_partial_variant
    )
    with pytest.raises(ValueError) as caught:
        registered.compensate(send_again)
    assert str(caught.value) == (
        "handler of 'media.variant.generate' already has compensation "
        f"{__name__}.remove_partial_variant: declare one compensation per handler"
    )


# Async handlers


def test_async_function_handler(handlers: HandlerRegistry) -> None:
    @handlers.handler("webhook.deliver")
    async def deliver(payload: Payload) -> str:
        await asyncio.sleep(0)
        return f"delivered {payload['id']}"

    assert asyncio.run(deliver({"id": 3})) == "delivered 3"


def test_async_compensation(handlers: HandlerRegistry) -> None:
    async def rollback(payload: Payload) -> str:
        return "rolled back"

    registered = handlers.handle("migrate.batch.users", send_email, compensate=rollback)
    hook = registered.compensation_hook()
    assert hook is rollback
    assert asyncio.run(rollback({})) == "rolled back"


def test_async_class_handler(handlers: HandlerRegistry) -> None:
    class WarmCache:
        async def run(self, payload: Payload) -> str:
            return "warm"

    registered = handlers.handle("cache.warmup", WarmCache)
    assert asyncio.run(registered({})) == "warm"


# Registry container


def test_registry_container_protocol(handlers: HandlerRegistry) -> None:
    first = handlers.handle("email.send", send_email)
    second = handlers.handle("media.video.transcode", TranscodeVideo)
    assert len(handlers) == 2
    assert list(handlers) == [first, second]
    assert "email.send" in handlers
    assert "email.verify" not in handlers
    assert handlers.get("email.verify") is None


def test_fresh_registry_empty(handlers: HandlerRegistry) -> None:
    assert len(handlers) == 0
    assert list(handlers) == []


def test_module_functions_fill_default(monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = HandlerRegistry()
    monkeypatch.setattr(registry.handlers, "default_handlers", fresh)
    decorated = registry.handlers.handler("email.send")(send_email)
    called = registry.handlers.handle("email.verify", send_again)
    assert fresh.get("email.send") is decorated
    assert fresh.get("email.verify") is called


# Unknown task types


def test_unknown_type_raises_lookup_error(handlers: HandlerRegistry) -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        handlers.handle("email.sned", send_email)
    assert isinstance(caught.value, LookupError)


def test_unknown_type_message(handlers: HandlerRegistry) -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        handlers.handle("email.sned", send_email)
    assert str(caught.value) == (
        "unknown task type 'email.sned': did you mean 'email.send' or 'email.verify'?"
    )
    assert caught.value.task_type == "email.sned"
    assert caught.value.suggestions == ("email.send", "email.verify")


def test_unknown_type_three_suggestions(handlers: HandlerRegistry) -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        handlers.handle("search.reindex.x", send_email)
    assert str(caught.value) == (
        "unknown task type 'search.reindex.x': did you mean "
        "'search.reindex.term', 'search.reindex.post' or 'search.reindex.full'?"
    )


def test_unknown_type_without_suggestion(handlers: HandlerRegistry) -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        handlers.handle("report.weekly", send_email)
    assert str(caught.value) == (
        "unknown task type 'report.weekly': "
        "add it to the registry catalog or fix the name"
    )
    assert caught.value.suggestions == ()


def test_decorator_rejects_before_decorating(handlers: HandlerRegistry) -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        handlers.handler("webhook.delivr")
    assert str(caught.value) == (
        "unknown task type 'webhook.delivr': did you mean 'webhook.deliver'?"
    )
    assert len(handlers) == 0


def test_custom_catalog_suggestions() -> None:
    report = TaskSpec(
        type="report.weekly",
        queue="low",
        max_retry=3,
        timeout=timedelta(minutes=5),
        retry_delay=exp(),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Build weekly report",
    )
    custom = HandlerRegistry(catalog=[report])
    with pytest.raises(UnknownTaskTypeError) as caught:
        custom.handle("report.weekyl", send_email)
    assert caught.value.suggestions == ("report.weekly",)
    with pytest.raises(UnknownTaskTypeError):
        custom.handle("email.send", send_email)


def test_unknown_type_error_pickles() -> None:
    error = UnknownTaskTypeError("email.sned", ("email.send",))
    restored = pickle.loads(pickle.dumps(error))
    assert str(restored) == str(error)
    assert restored.suggestions == ("email.send",)


def test_closest_task_types_limit() -> None:
    known = ["search.reindex.post", "search.reindex.term", "search.reindex.full"]
    assert closest_task_types("search.reindex.pos", known, limit=1) == (
        "search.reindex.post",
    )


def test_closest_task_types_cutoff() -> None:
    assert closest_task_types("zzz", ["email.send"]) == ()


# Duplicates and invalid targets


def test_duplicate_type_raises(handlers: HandlerRegistry) -> None:
    handlers.handle("email.send", send_email)
    with pytest.raises(DuplicateHandlerError) as caught:
        handlers.handle("email.send", send_again)
    assert str(caught.value) == (
        f"task type 'email.send' already has a handler, {__name__}.send_email: "
        "remove one of the two registrations"
    )
    assert isinstance(caught.value, ValueError)
    assert caught.value.task_type == "email.send"


def test_duplicate_keeps_first(handlers: HandlerRegistry) -> None:
    first = handlers.handle("email.send", send_email)
    with pytest.raises(DuplicateHandlerError):
        handlers.handler("email.send")(send_again)
    assert handlers.get("email.send") is first


def test_duplicate_error_pickles() -> None:
    error = DuplicateHandlerError("email.send", "app.send_email")
    restored = pickle.loads(pickle.dumps(error))
    assert str(restored) == str(error)


def test_separate_registries_independent() -> None:
    first = HandlerRegistry()
    second = HandlerRegistry()
    first.handle("email.send", send_email)
    second.handle("email.send", send_again)
    assert len(first) == 1
    assert len(second) == 1


def test_class_without_run_rejected(handlers: HandlerRegistry) -> None:
    class NoRun:
        pass

    with pytest.raises(TypeError) as caught:
        handlers.handle("cache.warmup", NoRun)
    assert str(caught.value) == (
        f"handler class {__name__}.test_class_without_run_rejected.<locals>.NoRun "
        "of 'cache.warmup' has no run method: define run(self, payload)"
    )


def test_non_callable_target_rejected(handlers: HandlerRegistry) -> None:
    with pytest.raises(TypeError) as caught:
        handlers.handle("cache.warmup", "warm_cache")  # type: ignore[arg-type]
    assert str(caught.value) == (
        "handler of 'cache.warmup' must be callable, got 'warm_cache': "
        "pass a function or a class"
    )


def test_non_callable_compensation_rejected(handlers: HandlerRegistry) -> None:
    with pytest.raises(TypeError) as caught:
        handlers.handle(
            "migrate.batch.posts",
            send_email,
            compensate="rollback",  # type: ignore[arg-type]
        )
    assert str(caught.value) == (
        "compensation of 'migrate.batch.posts' must be callable, got 'rollback': "
        "pass a function or a class"
    )
