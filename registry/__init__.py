"""TaskSpec registry: the policy of every background task type.

The catalog states, for each task type, its queue, retry count and delay,
timeout, duplicate suppression and whether a retry needs compensation first.
Handlers register against these types, and ``enqueue`` takes its options
from them unless the caller overrides them. A ``Dispatcher`` runs the
handlers, compensating before the retry of a non-idempotent type, and
``check_worker`` rejects unsafe handlers before a worker starts.
"""

from __future__ import annotations

from .backoff import WEBHOOK_SCHEDULE, ExponentialBackoff, FixedSchedule, exp, fixed
from .catalog import CATALOG, build_index, spec, task_types
from .dispatch import Dispatcher
from .enqueue import EnqueueOptions, TaskMessage, enqueue
from .errors import (
    CompensationError,
    DuplicateHandlerError,
    InvalidQueueError,
    InvalidTaskSpecError,
    MissingCompensationError,
    NoHandlerError,
    UnknownTaskTypeError,
    WorkerStartupError,
)
from .handlers import Handler, HandlerRegistry, default_handlers, handle, handler
from .lookup import SpecLookup, SpecResolver
from .queues import QUEUES, SHED_ORDER, index_queues, queue
from .specs import Queue, TaskSpec
from .worker import check_worker, problems

__all__ = [
    "CATALOG",
    "QUEUES",
    "SHED_ORDER",
    "WEBHOOK_SCHEDULE",
    "CompensationError",
    "Dispatcher",
    "DuplicateHandlerError",
    "EnqueueOptions",
    "ExponentialBackoff",
    "FixedSchedule",
    "Handler",
    "HandlerRegistry",
    "InvalidQueueError",
    "InvalidTaskSpecError",
    "MissingCompensationError",
    "NoHandlerError",
    "Queue",
    "SpecLookup",
    "SpecResolver",
    "TaskMessage",
    "TaskSpec",
    "UnknownTaskTypeError",
    "WorkerStartupError",
    "build_index",
    "check_worker",
    "default_handlers",
    "enqueue",
    "exp",
    "fixed",
    "handle",
    "handler",
    "index_queues",
    "problems",
    "queue",
    "spec",
    "task_types",
]
