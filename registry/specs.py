"""Record types of the registry: one task type's policy and one queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, Optional

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
    before the retry runs.
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
        if not self.type:
            raise ValueError(
                "task spec has an empty type: name it like 'email.send'"
            )
        if not self.queue:
            raise ValueError(
                f"task type {self.type!r} has an empty queue: "
                "name one of the queues in registry/queues.py"
            )
        if self.max_retry < 0:
            raise ValueError(
                f"task type {self.type!r} has max_retry {self.max_retry}: "
                "use 0 for no retries or a positive count"
            )
        if self.timeout <= timedelta(0):
            raise ValueError(
                f"task type {self.type!r} has timeout "
                f"{self.timeout.total_seconds():g} s: "
                "every task needs a positive timeout"
            )
        if self.unique_ttl < timedelta(0):
            raise ValueError(
                f"task type {self.type!r} has negative unique_ttl "
                f"{self.unique_ttl.total_seconds():g} s: "
                "use timedelta(0) for no uniqueness"
            )
        if not self.human_name:
            raise ValueError(
                f"task type {self.type!r} has an empty human_name: "
                "give it a short English name such as 'Send transactional email'"
            )


@dataclass(frozen=True)
class Queue:
    """One weighted queue of the worker pool.

    A worker picks the next task from a queue with probability proportional
    to ``weight``. ``concurrency`` is the default worker count per replica.
    Above ``shed_above`` pending tasks, the enqueue API rejects new work for
    the queue; None means the queue never sheds.
    """

    name: str
    weight: int
    concurrency: int
    shed_above: Optional[int]

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("queue has an empty name: name it like 'default'")
        if self.weight < 1:
            raise ValueError(
                f"queue {self.name!r} has weight {self.weight}: "
                "use a weight of 1 or more so the queue is served"
            )
        if self.concurrency < 1:
            raise ValueError(
                f"queue {self.name!r} has concurrency {self.concurrency}: "
                "use 1 or more workers"
            )
        if self.shed_above is not None and self.shed_above < 0:
            raise ValueError(
                f"queue {self.name!r} has shed_above {self.shed_above}: "
                "use a depth of 0 or more, or None to never shed"
            )
