"""Enqueue options: taken from the spec, replaced by explicit overrides."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any, Dict

import pytest

from registry import (
    QUEUES,
    WEBHOOK_SCHEDULE,
    EnqueueOptions,
    Queue,
    TaskMessage,
    TaskSpec,
    UnknownTaskTypeError,
    build_index,
    enqueue,
    exp,
    spec,
)

VALID_OVERRIDES = "queue, max_retry, timeout, retry_delay, unique_ttl"


def test_returns_task_message() -> None:
    message = enqueue("email.send", {"to": "ada@example.com"})
    assert isinstance(message, TaskMessage)
    assert isinstance(message.options, EnqueueOptions)
    assert message.task_type == "email.send"
    assert message.payload == {"to": "ada@example.com"}


def test_options_from_spec() -> None:
    found = spec("cache.warmup")
    assert found is not None
    options = enqueue("cache.warmup").options
    assert options.queue == found.queue
    assert options.max_retry == found.max_retry
    assert options.timeout == found.timeout
    assert options.retry_delay is found.retry_delay
    assert options.unique_ttl == found.unique_ttl


def test_options_exact_values() -> None:
    options = enqueue("webhook.deliver").options
    assert options.queue == "default"
    assert options.max_retry == 8
    assert options.timeout == timedelta(seconds=30)
    assert options.retry_delay is WEBHOOK_SCHEDULE
    assert options.unique_ttl == timedelta(0)


def test_missing_payload_is_empty() -> None:
    assert enqueue("email.send").payload == {}


def test_payload_copied() -> None:
    payload: Dict[str, object] = {"to": "ada@example.com"}
    message = enqueue("email.send", payload)
    payload["to"] = "bob@example.com"
    assert message.payload == {"to": "ada@example.com"}


def test_payload_read_only() -> None:
    message = enqueue("email.send", {"to": "ada@example.com"})
    with pytest.raises(TypeError):
        message.payload["to"] = "bob@example.com"  # type: ignore[index]


def test_message_frozen() -> None:
    message = enqueue("email.send")
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.task_type = "email.verify"  # type: ignore[misc]


CUSTOM_DELAY = exp(base=timedelta(seconds=2), max=timedelta(seconds=8))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("queue", "critical"),
        ("max_retry", 0),
        ("timeout", timedelta(minutes=2)),
        ("retry_delay", CUSTOM_DELAY),
        ("unique_ttl", timedelta(minutes=10)),
    ],
)
def test_override_wins(name: str, value: Any) -> None:
    options = enqueue("email.send", {}, **{name: value}).options
    assert getattr(options, name) == value


def test_override_keeps_other_options() -> None:
    options = enqueue("email.send", queue="critical").options
    assert options.max_retry == 10
    assert options.timeout == timedelta(seconds=30)


def test_unknown_override_rejected() -> None:
    with pytest.raises(TypeError) as caught:
        enqueue("email.send", {}, priority=5)
    assert str(caught.value) == (
        "enqueue() got an unexpected keyword argument 'priority': "
        f"valid overrides are {VALID_OVERRIDES}"
    )


def test_several_unknown_overrides_rejected() -> None:
    with pytest.raises(TypeError) as caught:
        enqueue("email.send", {}, retries=3, eta=10)
    assert str(caught.value) == (
        "enqueue() got unexpected keyword arguments 'eta', 'retries': "
        f"valid overrides are {VALID_OVERRIDES}"
    )


def test_unknown_type_suggests_name() -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        enqueue("webhook.delivr", {"id": 1})  # noqa: TSK005
    assert str(caught.value) == (
        "unknown task type 'webhook.delivr': did you mean 'webhook.deliver'?"
    )
    assert caught.value.suggestions == ("webhook.deliver",)


def test_unknown_type_without_suggestion() -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        enqueue("report.weekly")  # noqa: TSK005
    assert str(caught.value) == (
        "unknown task type 'report.weekly': "
        "add it to the registry catalog or fix the name"
    )


def test_unknown_type_before_overrides() -> None:
    with pytest.raises(UnknownTaskTypeError):
        enqueue("report.weekly", priority=5)  # noqa: TSK005


def test_unknown_queue_override_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        enqueue("email.send", queue="fast")
    assert str(caught.value) == (
        "queue override 'fast' of 'email.send' is not a known queue: "
        "use one of critical, default, media, cache, migrate, plugins, low"
    )


def test_negative_max_retry_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        enqueue("email.send", max_retry=-1)
    assert str(caught.value) == (
        "max_retry override of 'email.send' is -1: "
        "use 0 for no retries or a positive count"
    )


def test_bool_max_retry_rejected() -> None:
    with pytest.raises(TypeError) as caught:
        enqueue("email.send", max_retry=True)
    assert str(caught.value) == (
        "max_retry override of 'email.send' must be an int, got True: "
        "pass a count such as 3"
    )


def test_zero_timeout_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        enqueue("email.send", timeout=timedelta(0))
    assert str(caught.value) == (
        "timeout override of 'email.send' is 0 s: pass a positive timedelta"
    )


def test_number_timeout_rejected() -> None:
    with pytest.raises(TypeError) as caught:
        enqueue("email.send", timeout=30)
    assert str(caught.value) == (
        "timeout override of 'email.send' must be a timedelta, got 30: "
        "pass a timedelta such as timedelta(seconds=30)"
    )


def test_zero_unique_ttl_allowed() -> None:
    options = enqueue("cache.warmup", unique_ttl=timedelta(0)).options
    assert options.unique_ttl == timedelta(0)


def test_negative_unique_ttl_rejected() -> None:
    with pytest.raises(ValueError) as caught:
        enqueue("cache.warmup", unique_ttl=timedelta(seconds=-1))
    assert str(caught.value) == (
        "unique_ttl override of 'cache.warmup' is -1 s: pass timedelta(0) or more"
    )


def test_non_callable_retry_delay_rejected() -> None:
    with pytest.raises(TypeError) as caught:
        enqueue("email.send", retry_delay=5)
    assert str(caught.value) == (
        "retry_delay override of 'email.send' must be callable, got 5: "
        "pass exp(...) or fixed(...)"
    )


# Report registry written in this file. The checker reads only the shipped
# registry, so enqueue calls with report types carry noqa: TSK005.

REPORTS_QUEUE = Queue(name="reports", weight=2, concurrency=2, shed_above=100)
REPORT_DELAY = exp(base=timedelta(seconds=30), max=timedelta(hours=1))
REPORT_SPECS = (
    TaskSpec(
        type="report.build",
        queue="reports",
        max_retry=3,
        timeout=timedelta(minutes=5),
        retry_delay=REPORT_DELAY,
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
REPORT_QUEUES = (*QUEUES, REPORTS_QUEUE)
REPORT_INDEX = build_index(REPORT_SPECS, REPORT_QUEUES)


def test_report_options_from_spec() -> None:
    message = enqueue("report.build", {"id": 1}, lookup=REPORT_INDEX)  # noqa: TSK005
    assert message.task_type == "report.build"
    assert message.payload == {"id": 1}
    assert message.options == EnqueueOptions(
        queue="reports",
        max_retry=3,
        timeout=timedelta(minutes=5),
        retry_delay=REPORT_DELAY,
        unique_ttl=timedelta(0),
    )


def test_report_override_wins() -> None:
    message = enqueue(
        "report.send",  # noqa: TSK005
        lookup=REPORT_INDEX,
        max_retry=1,
        unique_ttl=timedelta(0),
    )
    assert message.options.max_retry == 1
    assert message.options.unique_ttl == timedelta(0)
    assert message.options.queue == "default"
    assert message.options.timeout == timedelta(seconds=30)


def test_report_function_lookup() -> None:
    message = enqueue("report.send", lookup=REPORT_INDEX.get)  # noqa: TSK005
    assert message.options.max_retry == 5


def test_report_unknown_type_suggests() -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        enqueue("report.sned", lookup=REPORT_INDEX)  # noqa: TSK005
    assert str(caught.value) == (
        "unknown task type 'report.sned': did you mean 'report.send' or 'report.build'?"
    )


def test_report_lacks_shipped_type() -> None:
    with pytest.raises(UnknownTaskTypeError) as caught:
        enqueue("email.send", lookup=REPORT_INDEX)
    assert str(caught.value) == (
        "unknown task type 'email.send': add it to the registry catalog or fix the name"
    )


def test_report_unknown_override() -> None:
    with pytest.raises(TypeError) as caught:
        enqueue("report.send", lookup=REPORT_INDEX, priority=5)  # noqa: TSK005
    assert str(caught.value) == (
        "enqueue() got an unexpected keyword argument 'priority': "
        f"valid overrides are {VALID_OVERRIDES}"
    )


def test_report_queue_override() -> None:
    message = enqueue(
        "report.send",  # noqa: TSK005
        lookup=REPORT_INDEX,
        queues=REPORT_QUEUES,
        queue="reports",
    )
    assert message.options.queue == "reports"


def test_queue_override_uses_topology() -> None:
    with pytest.raises(ValueError) as caught:
        enqueue(
            "report.build",  # noqa: TSK005
            lookup=REPORT_INDEX,
            queues=[REPORTS_QUEUE],
            queue="default",
        )
    assert str(caught.value) == (
        "queue override 'default' of 'report.build' is not a known queue: "
        "use one of reports"
    )


def test_shipped_rejects_report_queue() -> None:
    with pytest.raises(ValueError) as caught:
        enqueue("email.send", queue="reports")
    assert str(caught.value) == (
        "queue override 'reports' of 'email.send' is not a known queue: "
        "use one of critical, default, media, cache, migrate, plugins, low"
    )
