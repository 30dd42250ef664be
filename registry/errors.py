"""Errors of the registry: invalid entries, unknown task types, failed dispatch.

Every error stores its constructor arguments in ``args``, so it survives
pickling, for example on its way from a worker process to its parent.
"""

from __future__ import annotations

import difflib
from typing import Iterable, Optional, Tuple


def closest_task_types(
    task_type: str, known: Iterable[str], limit: int = 3
) -> Tuple[str, ...]:
    """Return up to ``limit`` known names close to ``task_type``, best first.

    Closeness is ``difflib.SequenceMatcher`` similarity of at least 0.6.
    """
    matches = difflib.get_close_matches(task_type, list(known), n=limit, cutoff=0.6)
    return tuple(matches)


def quote_alternatives(names: Tuple[str, ...]) -> str:
    """Join quoted names as ``'a', 'b' or 'c'``."""
    quoted = [repr(name) for name in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


class UnknownTaskTypeError(LookupError):
    """A task type that is not in the registry catalog.

    ``suggestions`` contains the closest catalog names, best first, and may be
    empty. The arguments are stored in ``args`` so the error survives pickling.
    """

    def __init__(self, task_type: str, suggestions: Iterable[str] = ()) -> None:
        self.task_type = task_type
        self.suggestions: Tuple[str, ...] = tuple(suggestions)
        super().__init__(task_type, self.suggestions)

    @classmethod
    def from_known(cls, task_type: str, known: Iterable[str]) -> UnknownTaskTypeError:
        """Build the error with suggestions drawn from the ``known`` names."""
        return cls(task_type, closest_task_types(task_type, known))

    def __str__(self) -> str:
        if self.suggestions:
            alternatives = quote_alternatives(self.suggestions)
            return f"unknown task type {self.task_type!r}: did you mean {alternatives}?"
        return (
            f"unknown task type {self.task_type!r}: "
            "add it to the registry catalog or fix the name"
        )


class DuplicateHandlerError(ValueError):
    """A second handler for a task type in one ``HandlerRegistry``.

    ``existing`` is the qualified name of the handler registered first.
    """

    def __init__(self, task_type: str, existing: str) -> None:
        self.task_type = task_type
        self.existing = existing
        super().__init__(task_type, existing)

    def __str__(self) -> str:
        return (
            f"task type {self.task_type!r} already has a handler, "
            f"{self.existing}: remove one of the two registrations"
        )


class InvalidTaskSpecError(ValueError):
    """A registry entry with a missing, wrong-typed or out-of-range field.

    ``task_type`` is the type of the entry, and None when the entry is a
    queue or its type is not a string. ``field`` is the name of the field.
    """

    def __init__(self, message: str, task_type: Optional[str], field: str) -> None:
        self.message = message
        self.task_type = task_type
        self.field = field
        super().__init__(message, task_type, field)

    def __str__(self) -> str:
        return self.message


class InvalidQueueError(InvalidTaskSpecError):
    """A queue of the topology with an invalid field.

    ``queue`` is the queue's name, and None when the name is not a string.
    ``task_type`` is always None.
    """

    def __init__(self, message: str, queue: Optional[str], field: str) -> None:
        super().__init__(message, None, field)
        self.queue = queue
        self.args = (message, queue, field)


class NoHandlerError(LookupError):
    """A task type that the registry contains but that has no handler."""

    def __init__(self, task_type: str) -> None:
        self.task_type = task_type
        super().__init__(task_type)

    def __str__(self) -> str:
        return (
            f"task type {self.task_type!r} has no registered handler: "
            f"register one with @handler({self.task_type!r})"
        )


def describe_error(error: BaseException) -> str:
    """Return ``TypeName: message``, or the type name alone for an empty message."""
    text = str(error)
    name = type(error).__name__
    return f"{name}: {text}" if text else name


class CompensationError(RuntimeError):
    """A compensation that raised, so the retry after it did not run.

    ``retries`` is the retry the compensation ran before, 1 for the first
    retry. ``detail`` is the compensation's error as ``TypeName: message``.
    The error itself is the ``__cause__``, which pickling drops.
    """

    def __init__(self, task_type: str, retries: int, detail: str) -> None:
        self.task_type = task_type
        self.retries = retries
        self.detail = detail
        super().__init__(task_type, retries, detail)

    def __str__(self) -> str:
        return (
            f"compensation of {self.task_type!r} failed before retry "
            f"{self.retries}: {self.detail}; the retry did not run"
        )


class MissingCompensationError(RuntimeError):
    """A retry of a non-idempotent type whose handler has no compensation.

    The dispatcher stops such a retry, because running the handler again
    over partial work is unsafe. ``check_worker`` reports the same handler
    at start-up.
    """

    def __init__(self, task_type: str, retries: int, handler: str) -> None:
        self.task_type = task_type
        self.retries = retries
        self.handler = handler
        super().__init__(task_type, retries, handler)

    def __str__(self) -> str:
        return (
            f"task type {self.task_type!r} is not idempotent but its handler "
            f"{self.handler} has no compensation, so retry {self.retries} did "
            "not run: declare a compensation and run check_worker at start-up"
        )


class WorkerStartupError(RuntimeError):
    """Problems that stop a worker from starting, one per line, sorted."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: Tuple[str, ...] = tuple(sorted(problems))
        super().__init__(self.problems)

    def __str__(self) -> str:
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"worker start-up check found {count} {noun}:", *self.problems]
        return "\n".join(lines)
