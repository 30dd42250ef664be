"""Catalog of the 33 background task types and their policies.

Each entry is a literal ``TaskSpec(...)`` call with keyword arguments only,
because the flake8 checker reads this file with ``ast`` and never imports it.
Keep new entries in that form.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Dict, Iterable, Optional, Tuple

from .backoff import WEBHOOK_SCHEDULE, exp
from .errors import InvalidTaskSpecError
from .queues import QUEUES, index_queues
from .specs import Queue, TaskSpec

CATALOG: Tuple[TaskSpec, ...] = (
    TaskSpec(
        type="email.send",
        queue="default",
        max_retry=10,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(hours=1)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Send transactional email",
    ),
    TaskSpec(
        type="email.password_reset",
        queue="critical",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=2), max=timedelta(minutes=5)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Send password reset email",
    ),
    TaskSpec(
        type="email.verify",
        queue="critical",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=2), max=timedelta(minutes=5)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Send email address verification",
    ),
    TaskSpec(
        type="email.comment_notify",
        queue="default",
        max_retry=8,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=6)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Email new comment notification",
    ),
    TaskSpec(
        type="webhook.deliver",
        queue="default",
        max_retry=8,
        timeout=timedelta(seconds=30),
        # The schedule has 7 steps and max_retry is 8, so the 8th retry
        # waits the last step (6 h) again.
        retry_delay=WEBHOOK_SCHEDULE,
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Deliver webhook",
    ),
    TaskSpec(
        type="cache.invalidate.tag_fanout",
        queue="cache",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=1), max=timedelta(minutes=5)),
        unique_ttl=timedelta(seconds=30),
        idempotent=True,
        human_name="Invalidate cache tags",
    ),
    TaskSpec(
        type="cache.warmup",
        queue="cache",
        max_retry=3,
        timeout=timedelta(minutes=5),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=30)),
        unique_ttl=timedelta(hours=1),
        idempotent=True,
        human_name="Warm up cache",
    ),
    TaskSpec(
        type="media.variant.generate",
        queue="media",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=10), max=timedelta(hours=1)),
        unique_ttl=timedelta(0),
        # A failed run may leave a partial variant file.
        idempotent=False,
        human_name="Generate image variant",
    ),
    TaskSpec(
        type="media.video.transcode",
        queue="media",
        max_retry=3,
        timeout=timedelta(minutes=10),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=2)),
        unique_ttl=timedelta(0),
        # A failed run may leave partial segments.
        idempotent=False,
        human_name="Transcode video",
    ),
    TaskSpec(
        type="media.thumbnail.extract",
        queue="media",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=10), max=timedelta(minutes=30)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Extract thumbnail",
    ),
    TaskSpec(
        type="media.cleanup.orphans",
        queue="low",
        max_retry=3,
        timeout=timedelta(minutes=30),
        retry_delay=exp(base=timedelta(minutes=5), max=timedelta(hours=6)),
        unique_ttl=timedelta(hours=24),
        idempotent=True,
        human_name="Delete orphaned media files",
    ),
    TaskSpec(
        type="media.cleanup.cold_variants",
        queue="low",
        max_retry=3,
        timeout=timedelta(minutes=30),
        retry_delay=exp(base=timedelta(minutes=5), max=timedelta(hours=6)),
        unique_ttl=timedelta(hours=24),
        idempotent=True,
        human_name="Delete cold image variants",
    ),
    TaskSpec(
        type="revalidate.next",
        queue="default",
        max_retry=8,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=1), max=timedelta(minutes=10)),
        unique_ttl=timedelta(seconds=10),
        idempotent=True,
        human_name="Revalidate Next.js pages",
    ),
    TaskSpec(
        type="migrate.batch.posts",
        queue="migrate",
        max_retry=5,
        timeout=timedelta(minutes=10),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=2)),
        unique_ttl=timedelta(0),
        # A failed run may leave a partly written batch.
        idempotent=False,
        human_name="Import batch of posts",
    ),
    TaskSpec(
        type="migrate.batch.media",
        queue="migrate",
        max_retry=5,
        timeout=timedelta(minutes=10),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=2)),
        unique_ttl=timedelta(0),
        # A failed run may leave a partly written batch.
        idempotent=False,
        human_name="Import batch of media",
    ),
    TaskSpec(
        type="migrate.batch.users",
        queue="migrate",
        max_retry=5,
        timeout=timedelta(minutes=10),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=2)),
        unique_ttl=timedelta(0),
        # A failed run may leave a partly written batch.
        idempotent=False,
        human_name="Import batch of users",
    ),
    TaskSpec(
        type="migrate.verify",
        queue="migrate",
        max_retry=3,
        timeout=timedelta(minutes=30),
        retry_delay=exp(base=timedelta(seconds=60), max=timedelta(hours=2)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Verify imported content",
    ),
    TaskSpec(
        type="audit.archive",
        queue="low",
        max_retry=3,
        timeout=timedelta(hours=2),
        retry_delay=exp(base=timedelta(minutes=5), max=timedelta(hours=6)),
        unique_ttl=timedelta(days=7),
        idempotent=True,
        human_name="Archive audit log",
    ),
    TaskSpec(
        type="auth.session.cleanup",
        queue="low",
        max_retry=3,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(minutes=1), max=timedelta(hours=1)),
        unique_ttl=timedelta(hours=1),
        idempotent=True,
        human_name="Delete expired sessions",
    ),
    TaskSpec(
        type="auth.token.cleanup",
        queue="low",
        max_retry=3,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(minutes=1), max=timedelta(hours=1)),
        unique_ttl=timedelta(hours=1),
        idempotent=True,
        human_name="Delete expired tokens",
    ),
    TaskSpec(
        type="auth.brute_force.unlock",
        queue="default",
        max_retry=3,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=1)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Unlock account after brute-force lockout",
    ),
    TaskSpec(
        type="search.reindex.post",
        queue="default",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=30)),
        unique_ttl=timedelta(seconds=60),
        idempotent=True,
        human_name="Reindex post for search",
    ),
    TaskSpec(
        type="search.reindex.term",
        queue="default",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=30)),
        unique_ttl=timedelta(seconds=60),
        idempotent=True,
        human_name="Reindex term for search",
    ),
    TaskSpec(
        type="search.reindex.comment",
        queue="default",
        max_retry=5,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=30)),
        unique_ttl=timedelta(seconds=60),
        idempotent=True,
        human_name="Reindex comment for search",
    ),
    TaskSpec(
        type="search.reindex.full",
        queue="low",
        max_retry=3,
        timeout=timedelta(hours=2),
        retry_delay=exp(base=timedelta(minutes=5), max=timedelta(hours=6)),
        unique_ttl=timedelta(hours=2),
        idempotent=True,
        human_name="Rebuild full search index",
    ),
    TaskSpec(
        type="revisions.purge",
        queue="low",
        max_retry=3,
        timeout=timedelta(minutes=30),
        retry_delay=exp(base=timedelta(minutes=5), max=timedelta(hours=6)),
        unique_ttl=timedelta(hours=24),
        idempotent=True,
        human_name="Purge old revisions",
    ),
    TaskSpec(
        type="autosave.purge",
        queue="low",
        max_retry=3,
        timeout=timedelta(minutes=5),
        retry_delay=exp(base=timedelta(minutes=5), max=timedelta(hours=6)),
        unique_ttl=timedelta(hours=1),
        idempotent=True,
        human_name="Purge old autosaves",
    ),
    TaskSpec(
        type="rum.aggregate",
        queue="low",
        max_retry=3,
        timeout=timedelta(minutes=5),
        retry_delay=exp(base=timedelta(minutes=1), max=timedelta(hours=1)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Aggregate real user monitoring data",
    ),
    TaskSpec(
        type="plugin.activate",
        queue="plugins",
        max_retry=3,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=5)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Activate plugin",
    ),
    TaskSpec(
        type="plugin.deactivate",
        queue="plugins",
        max_retry=3,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(seconds=5), max=timedelta(minutes=5)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Deactivate plugin",
    ),
    TaskSpec(
        type="plugin.uninstall.cleanup",
        queue="plugins",
        max_retry=5,
        timeout=timedelta(minutes=5),
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=1)),
        unique_ttl=timedelta(0),
        idempotent=True,
        human_name="Clean up after plugin uninstall",
    ),
    TaskSpec(
        type="plugin.cron.tick",
        queue="plugins",
        max_retry=3,
        timeout=timedelta(seconds=30),
        # The default for plugins that do not pass their own retry_delay.
        retry_delay=exp(base=timedelta(seconds=30), max=timedelta(hours=1)),
        unique_ttl=timedelta(seconds=60),
        idempotent=True,
        human_name="Run plugin cron tick",
    ),
    TaskSpec(
        type="webhook.retry.dlq.scan",
        queue="low",
        max_retry=3,
        timeout=timedelta(seconds=30),
        retry_delay=exp(base=timedelta(minutes=5), max=timedelta(hours=1)),
        unique_ttl=timedelta(minutes=10),
        idempotent=True,
        human_name="Scan webhook dead-letter queue",
    ),
)


def build_index(
    specs: Iterable[TaskSpec], queues: Iterable[Queue] = QUEUES
) -> Dict[str, TaskSpec]:
    """Map each task type to its spec, in catalog order.

    Raises InvalidTaskSpecError for a type that appears twice or a spec whose
    queue is not in ``queues``, and InvalidQueueError for a queue name that
    appears twice in ``queues``.
    """
    queues_by_name = index_queues(queues)
    index: Dict[str, TaskSpec] = {}
    for entry in specs:
        if entry.type in index:
            raise InvalidTaskSpecError(
                f"task type {entry.type!r} appears twice in the catalog: "
                "remove or rename one entry",
                entry.type,
                "type",
            )
        if entry.queue not in queues_by_name:
            names = ", ".join(queues_by_name)
            raise InvalidTaskSpecError(
                f"task type {entry.type!r} names unknown queue {entry.queue!r}: "
                f"use one of {names}, or add the queue to the topology",
                entry.type,
                "queue",
            )
        index[entry.type] = entry
    return index


_SPECS_BY_TYPE = build_index(CATALOG)
_TASK_TYPES = tuple(_SPECS_BY_TYPE)


def spec(task_type: str) -> Optional[TaskSpec]:
    """Return the spec of ``task_type``, or None if the catalog lacks it."""
    return _SPECS_BY_TYPE.get(task_type)


def task_types() -> Tuple[str, ...]:
    """Return every catalog task type, in catalog order."""
    return _TASK_TYPES
