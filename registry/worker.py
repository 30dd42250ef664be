"""Worker start-up check: find every handler the registry cannot run safely."""

from __future__ import annotations

from typing import Iterable, List, Optional

from .catalog import spec
from .errors import WorkerStartupError, closest_task_types, quote_alternatives
from .handlers import Handler, HandlerRegistry
from .lookup import SpecLookup, SpecResolver


def _missing_compensation(registered: Handler) -> str:
    problem = (
        f"task type {registered.task_type!r} is not idempotent but its handler "
        f"{registered.qualified_name} has no compensation"
    )
    # A functools.partial or a callable instance has no __name__ to decorate.
    name = getattr(registered, "__name__", None)
    if name is None:
        return f"{problem}: add compensate=... to its registration"
    return (
        f"{problem}: add compensate=..., an @{name}.compensate function "
        "or a compensate method"
    )


def _unknown_type(registered: Handler, known_types: Iterable[str]) -> str:
    problem = (
        f"task type {registered.task_type!r} has handler "
        f"{registered.qualified_name} but is not in the registry"
    )
    suggestions = closest_task_types(registered.task_type, known_types)
    if not suggestions:
        return f"{problem}: add it to the registry catalog or remove the handler"
    return f"{problem}: did you mean {quote_alternatives(suggestions)}?"


def problems(
    handlers: HandlerRegistry,
    lookup: SpecLookup = spec,
    known_types: Optional[Iterable[str]] = None,
) -> List[str]:
    """Return every problem of ``handlers``, one message each, sorted.

    A problem is a handler whose task type ``lookup`` lacks, or a handler of
    a non-idempotent type without compensation. ``known_types`` are the
    names offered as suggestions for an unknown type, and SpecResolver
    describes their default. Class handlers are not instantiated.
    """
    specs = SpecResolver(lookup, known_types)
    found: List[str] = []
    for registered in handlers:
        entry = specs.get(registered.task_type)
        if entry is None:
            found.append(_unknown_type(registered, specs.known_types))
        elif not entry.idempotent and not registered.has_compensation():
            found.append(_missing_compensation(registered))
    return sorted(found)


def check_worker(
    handlers: HandlerRegistry,
    lookup: SpecLookup = spec,
    known_types: Optional[Iterable[str]] = None,
) -> None:
    """Raise WorkerStartupError listing every problem of ``handlers`` at once.

    Call it before the worker takes its first task. The arguments are those
    of ``problems``.
    """
    found = problems(handlers, lookup, known_types)
    if found:
        raise WorkerStartupError(found)
