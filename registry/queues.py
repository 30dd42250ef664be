"""Topology of the seven weighted queues and the order in which they shed."""

from __future__ import annotations

from typing import Dict, Iterable, Optional, Tuple

from .errors import InvalidQueueError
from .specs import Queue

QUEUES: Tuple[Queue, ...] = (
    # Password reset, 2FA and email verification.
    Queue(name="critical", weight=6, concurrency=4, shed_above=None),
    # Webhooks, transactional email and ISR fan-out.
    Queue(name="default", weight=4, concurrency=16, shed_above=5000),
    # Image variants and video transcode.
    Queue(name="media", weight=3, concurrency=8, shed_above=1000),
    # Cache invalidation fan-out and warm-up.
    Queue(name="cache", weight=3, concurrency=8, shed_above=10000),
    # Importer batches.
    Queue(name="migrate", weight=2, concurrency=4, shed_above=2000),
    # Jobs enqueued by plugins, which may be untrusted.
    Queue(name="plugins", weight=2, concurrency=8, shed_above=2000),
    # Cleanup, retention and RUM aggregation.
    Queue(name="low", weight=1, concurrency=4, shed_above=5000),
)

SHED_ORDER: Tuple[str, ...] = (
    "low",
    "migrate",
    "plugins",
    "cache",
    "media",
    "default",
)
"""Queues in the order they start rejecting work under backpressure.

``critical`` is absent because it never sheds.
"""


def index_queues(queues: Iterable[Queue]) -> Dict[str, Queue]:
    """Map each queue name to its queue, in topology order.

    Raises InvalidQueueError for a name that appears twice.
    """
    index: Dict[str, Queue] = {}
    for entry in queues:
        if entry.name in index:
            raise InvalidQueueError(
                f"queue {entry.name!r} appears twice in the topology: "
                "remove or rename one entry",
                entry.name,
                "name",
            )
        index[entry.name] = entry
    return index


_QUEUES_BY_NAME = index_queues(QUEUES)


def queue(name: str) -> Optional[Queue]:
    """Return the queue called ``name``, or None if there is none."""
    return _QUEUES_BY_NAME.get(name)
