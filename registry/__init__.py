"""TaskSpec registry: the policy of every background task type.

The catalog states, for each task type, its queue, retry count and delay,
timeout, duplicate suppression and whether a retry needs compensation first.
Handlers register against these types, and ``enqueue`` takes its options
from them unless the caller overrides them.
"""

from __future__ import annotations

from .backoff import WEBHOOK_SCHEDULE, ExponentialBackoff, FixedSchedule, exp, fixed
from .catalog import CATALOG, spec, task_types
from .enqueue import EnqueueOptions, TaskMessage, enqueue
from .errors import DuplicateHandlerError, UnknownTaskTypeError
from .handlers import Handler, HandlerRegistry, default_handlers, handle, handler
from .queues import QUEUES, SHED_ORDER, queue
from .specs import Queue, TaskSpec

__all__ = [
    "CATALOG",
    "QUEUES",
    "SHED_ORDER",
    "WEBHOOK_SCHEDULE",
    "DuplicateHandlerError",
    "EnqueueOptions",
    "ExponentialBackoff",
    "FixedSchedule",
    "Handler",
    "HandlerRegistry",
    "Queue",
    "TaskMessage",
    "TaskSpec",
    "UnknownTaskTypeError",
    "default_handlers",
    "enqueue",
    "exp",
    "fixed",
    "handle",
    "handler",
    "queue",
    "spec",
    "task_types",
]
