"""Spec lookup shared by the dispatcher, the worker check and ``enqueue``.

A lookup is either a function like ``spec`` that returns None for an
unknown type, or a mapping such as the result of ``build_index``.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Optional, Tuple, Union

from .catalog import spec, task_types
from .errors import UnknownTaskTypeError
from .specs import TaskSpec

SpecLookup = Union[Callable[[str], Optional[TaskSpec]], Mapping[str, TaskSpec]]
"""``spec``-like function or mapping from task type to TaskSpec."""


class SpecResolver:
    """Spec lookup plus the task type names used for did-you-mean suggestions.

    For a mapping, the names are its keys. For a function, they are
    ``known_types`` if given, and otherwise the shipped catalog's types that
    the function resolves, computed on first use so that a successful
    lookup does not pay for them.
    """

    def __init__(
        self, lookup: SpecLookup = spec, known_types: Optional[Iterable[str]] = None
    ) -> None:
        self._lookup = lookup
        self._known_types = None if known_types is None else tuple(known_types)
        if isinstance(lookup, Mapping):
            self._get: Callable[[str], Optional[TaskSpec]] = lookup.get
        else:
            self._get = lookup

    @property
    def known_types(self) -> Tuple[str, ...]:
        """Task type names that suggestions for an unknown type come from."""
        if self._known_types is None:
            if isinstance(self._lookup, Mapping):
                self._known_types = tuple(self._lookup)
            else:
                self._known_types = tuple(
                    name for name in task_types() if self._get(name) is not None
                )
        return self._known_types

    def get(self, task_type: str) -> Optional[TaskSpec]:
        """Return the spec of ``task_type``, or None if the lookup lacks it."""
        return self._get(task_type)

    def require(self, task_type: str) -> TaskSpec:
        """Return the spec of ``task_type``.

        Raises UnknownTaskTypeError, with suggestions from ``known_types``,
        if the lookup lacks the type.
        """
        found = self._get(task_type)
        if found is None:
            raise UnknownTaskTypeError.from_known(task_type, self.known_types)
        return found
