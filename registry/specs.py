"""Record types of the registry: one task type's policy and one queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Optional

from .errors import InvalidQueueError, InvalidTaskSpecError

RetryDelay = Callable[[int, Optional[BaseException]], timedelta]
"""Delay before the next retry, given the retries made so far and the error.

The count is 0 before the first retry. The error is None when the caller does
not have one, for example when it previews a schedule.
"""

DEFAULT_MAX_RETRY = 25
"""Retry count for a custom spec that has no figure of its own.

TaskSpec has no default, so such a spec passes ``max_retry=DEFAULT_MAX_RETRY``.
The default delay is ``exp()``: base 1 s, max 1 h.
"""


@dataclass(frozen=True)
class TaskSpec:
    """Queue, retry, timeout and uniqueness policy of one background task type.

    ``unique_ttl`` is how long a duplicate enqueue is suppressed, and
    ``timedelta(0)`` disables it. A non-idempotent type must not be retried
    as-is, so its handler declares a compensation that cleans up partial work
    before the retry runs. An invalid field raises InvalidTaskSpecError, which
    names the task type and the field.
    """

    type: str
    queue: str
    max_retry: int
    timeout: timedelta
    retry_delay: RetryDelay
    unique_ttl: timedelta
    idempotent: bool
    human_name: str

    def __post_init__(self) -> None:
        _check_spec_names(self)
        _check_spec_policy(self)


def _spec_error(entry: TaskSpec, field: str, problem: str) -> InvalidTaskSpecError:
    return InvalidTaskSpecError(
        f"task type {entry.type!r} {problem}", entry.type, field
    )


def _type_name(value: object) -> str:
    return type(value).__name__


def _check_spec_names(entry: TaskSpec) -> None:
    if not isinstance(entry.type, str):
        raise InvalidTaskSpecError(
            f"task spec has type {entry.type!r} of type {_type_name(entry.type)}: "
            "name it with a string like 'email.send'",
            None,
            "type",
        )
    if not entry.type:
        raise InvalidTaskSpecError(
            "task spec has an empty type: name it like 'email.send'", "", "type"
        )
    for field, example in (
        ("queue", "'default'"),
        ("human_name", "'Send transactional email'"),
    ):
        value = getattr(entry, field)
        if not isinstance(value, str):
            raise _spec_error(
                entry,
                field,
                f"has {field} {value!r} of type {_type_name(value)}: "
                f"pass a string such as {example}",
            )
    if not entry.queue:
        raise _spec_error(
            entry,
            "queue",
            "has an empty queue: name one of the queues in registry/queues.py",
        )
    if not entry.human_name:
        raise _spec_error(
            entry,
            "human_name",
            "has an empty human_name: "
            "give it a short English name such as 'Send transactional email'",
        )


def _check_spec_policy(entry: TaskSpec) -> None:
    # bool is a subclass of int, but max_retry=True is a mistake.
    if not isinstance(entry.max_retry, int) or isinstance(entry.max_retry, bool):
        raise _spec_error(
            entry,
            "max_retry",
            f"has max_retry {entry.max_retry!r} of type "
            f"{_type_name(entry.max_retry)}: pass an int such as 3",
        )
    if entry.max_retry < 0:
        raise _spec_error(
            entry,
            "max_retry",
            f"has max_retry {entry.max_retry}: "
            "use 0 for no retries or a positive count",
        )
    for field in ("timeout", "unique_ttl"):
        value = getattr(entry, field)
        if not isinstance(value, timedelta):
            raise _spec_error(
                entry,
                field,
                f"has {field} {value!r} of type {_type_name(value)}: "
                "pass a timedelta such as timedelta(seconds=30)",
            )
    if entry.timeout <= timedelta(0):
        raise _spec_error(
            entry,
            "timeout",
            f"has timeout {entry.timeout.total_seconds():g} s: "
            "every task needs a positive timeout",
        )
    if entry.unique_ttl < timedelta(0):
        raise _spec_error(
            entry,
            "unique_ttl",
            f"has negative unique_ttl {entry.unique_ttl.total_seconds():g} s: "
            "use timedelta(0) for no uniqueness",
        )
    if not callable(entry.retry_delay):
        raise _spec_error(
            entry,
            "retry_delay",
            f"has retry_delay {entry.retry_delay!r}, which is not callable: "
            "pass exp(...) or fixed(...)",
        )
    # A string such as "False" is truthy, so it would make the type idempotent.
    if not isinstance(entry.idempotent, bool):
        raise _spec_error(
            entry,
            "idempotent",
            f"has idempotent {entry.idempotent!r} of type "
            f"{_type_name(entry.idempotent)}: pass True or False",
        )


@dataclass(frozen=True)
class Queue:
    """One weighted queue of the worker pool.

    A worker picks the next task from a queue with probability proportional
    to ``weight``. ``concurrency`` is the default worker count per replica.
    Above ``shed_above`` pending tasks, the enqueue API rejects new work for
    the queue; None means the queue never sheds. An invalid field raises
    InvalidQueueError, which names the queue and the field.
    """

    name: str
    weight: int
    concurrency: int
    shed_above: Optional[int]

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise InvalidQueueError(
                f"queue has name {self.name!r} of type {_type_name(self.name)}: "
                "name it with a string like 'default'",
                None,
                "name",
            )
        if not self.name:
            raise InvalidQueueError(
                "queue has an empty name: name it like 'default'", "", "name"
            )
        for field in ("weight", "concurrency", "shed_above"):
            value = getattr(self, field)
            if field == "shed_above" and value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool):
                raise self._error(
                    field,
                    f"has {field} {value!r} of type {_type_name(value)}: "
                    "pass an int such as 4",
                )
        if self.weight < 1:
            raise self._error(
                "weight",
                f"has weight {self.weight}: "
                "use a weight of 1 or more so the queue is served",
            )
        if self.concurrency < 1:
            raise self._error(
                "concurrency",
                f"has concurrency {self.concurrency}: use 1 or more workers",
            )
        if self.shed_above is not None and self.shed_above < 0:
            raise self._error(
                "shed_above",
                f"has shed_above {self.shed_above}: "
                "use a depth of 0 or more, or None to never shed",
            )

    def _error(self, field: str, problem: str) -> InvalidQueueError:
        return InvalidQueueError(f"queue {self.name!r} {problem}", self.name, field)
