"""Errors raised when code names a task type the registry cannot accept."""

from __future__ import annotations

import difflib
from typing import Iterable, Tuple


def closest_task_types(
    task_type: str, known: Iterable[str], limit: int = 3
) -> Tuple[str, ...]:
    """Return up to ``limit`` known names close to ``task_type``, best first.

    Closeness is ``difflib.SequenceMatcher`` similarity of at least 0.6.
    """
    matches = difflib.get_close_matches(task_type, list(known), n=limit, cutoff=0.6)
    return tuple(matches)


def _quote_alternatives(names: Tuple[str, ...]) -> str:
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
    def from_known(
        cls, task_type: str, known: Iterable[str]
    ) -> UnknownTaskTypeError:
        """Build the error with suggestions drawn from the ``known`` names."""
        return cls(task_type, closest_task_types(task_type, known))

    def __str__(self) -> str:
        if self.suggestions:
            alternatives = _quote_alternatives(self.suggestions)
            return (
                f"unknown task type {self.task_type!r}: "
                f"did you mean {alternatives}?"
            )
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
