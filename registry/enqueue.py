"""Enqueue helper: resolve a task type's options from its spec.

This package has no broker. ``enqueue`` returns the TaskMessage that a
broker adapter sends.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple

from .catalog import spec
from .lookup import SpecLookup, SpecResolver
from .queues import QUEUES
from .specs import Queue, RetryDelay

OVERRIDES = ("queue", "max_retry", "timeout", "retry_delay", "unique_ttl")
"""Keyword arguments of ``enqueue`` that replace the spec's value."""


@dataclass(frozen=True)
class EnqueueOptions:
    """Options of one enqueued task: the spec's values or the caller's overrides."""

    queue: str
    max_retry: int
    timeout: timedelta
    retry_delay: RetryDelay
    unique_ttl: timedelta


@dataclass(frozen=True)
class TaskMessage:
    """Task type, payload and options that a broker adapter sends."""

    task_type: str
    payload: Mapping[str, object]
    options: EnqueueOptions


def enqueue(
    task_type: str,
    payload: Optional[Mapping[str, object]] = None,
    *,
    lookup: SpecLookup = spec,
    queues: Iterable[Queue] = QUEUES,
    **overrides: Any,
) -> TaskMessage:
    """Build the message for ``task_type`` with options from its spec.

    Keyword overrides named in ``OVERRIDES`` win over the spec. The payload
    is copied, so later changes to the caller's mapping do not reach the
    message. ``lookup`` resolves the spec: a function like ``spec`` or a
    mapping such as the result of ``build_index``. A queue override must
    name one of ``queues``. Raises UnknownTaskTypeError for a type the
    lookup lacks, TypeError for any other keyword or a value of the wrong
    type, and ValueError for an unknown queue or an out-of-range value.
    """
    found = SpecResolver(lookup).require(task_type)
    _check_override_names(overrides)
    queue_names = tuple(entry.name for entry in queues)
    _check_override_values(task_type, overrides, queue_names)
    options = EnqueueOptions(
        queue=found.queue,
        max_retry=found.max_retry,
        timeout=found.timeout,
        retry_delay=found.retry_delay,
        unique_ttl=found.unique_ttl,
    )
    return TaskMessage(
        task_type=task_type,
        payload=MappingProxyType(dict(payload or {})),
        options=dataclasses.replace(options, **overrides),
    )


def _check_override_names(overrides: Mapping[str, object]) -> None:
    unknown = sorted(name for name in overrides if name not in OVERRIDES)
    if not unknown:
        return
    quoted = ", ".join(repr(name) for name in unknown)
    if len(unknown) == 1:
        problem = f"an unexpected keyword argument {quoted}"
    else:
        problem = f"unexpected keyword arguments {quoted}"
    raise TypeError(
        f"enqueue() got {problem}: valid overrides are {', '.join(OVERRIDES)}"
    )


def _check_override_values(
    task_type: str, overrides: Dict[str, Any], queue_names: Tuple[str, ...]
) -> None:
    if "queue" in overrides:
        _check_queue(task_type, overrides["queue"], queue_names)
    if "max_retry" in overrides:
        _check_max_retry(task_type, overrides["max_retry"])
    if "timeout" in overrides:
        _check_duration(task_type, "timeout", overrides["timeout"], False)
    if "unique_ttl" in overrides:
        _check_duration(task_type, "unique_ttl", overrides["unique_ttl"], True)
    if "retry_delay" in overrides and not callable(overrides["retry_delay"]):
        raise TypeError(
            f"retry_delay override of {task_type!r} must be callable, got "
            f"{overrides['retry_delay']!r}: pass exp(...) or fixed(...)"
        )


def _check_queue(task_type: str, value: object, queue_names: Tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in queue_names:
        raise ValueError(
            f"queue override {value!r} of {task_type!r} is not a known queue: "
            f"use one of {', '.join(queue_names)}"
        )


def _check_max_retry(task_type: str, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(
            f"max_retry override of {task_type!r} must be an int, got {value!r}: "
            "pass a count such as 3"
        )
    if value < 0:
        raise ValueError(
            f"max_retry override of {task_type!r} is {value}: "
            "use 0 for no retries or a positive count"
        )


def _check_duration(task_type: str, name: str, value: object, allow_zero: bool) -> None:
    if not isinstance(value, timedelta):
        raise TypeError(
            f"{name} override of {task_type!r} must be a timedelta, "
            f"got {value!r}: pass a timedelta such as timedelta(seconds=30)"
        )
    if value < timedelta(0) or (value == timedelta(0) and not allow_zero):
        fix = "timedelta(0) or more" if allow_zero else "a positive timedelta"
        raise ValueError(
            f"{name} override of {task_type!r} is "
            f"{value.total_seconds():g} s: pass {fix}"
        )
