"""Patterns of the calls that register a handler or enqueue a task.

A pattern is a dotted name resolved through the module's imports
(``celery.shared_task``), or ``*.method`` for a method on any receiver
(``*.send_task``). By default the task type is the first positional
argument; ``PATTERN:KEYWORD`` makes the keyword argument carry it instead
(``*.task:name``).
"""

from __future__ import annotations

import enum
import re
from typing import Dict, FrozenSet, Iterable, List, NamedTuple, Optional, Tuple

ANY_RECEIVER = "*."

_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_]*"
_PATTERN = re.compile(
    rf"(?P<target>(?:\*\.{_IDENTIFIER})|(?:{_IDENTIFIER}(?:\.{_IDENTIFIER})+))"
    rf"(?::(?P<keyword>{_IDENTIFIER}))?"
)


class Role(enum.Enum):
    """The effect of a matching call: it registers or enqueues the task type."""

    REGISTRAR = "registrar"
    ENQUEUER = "enqueuer"


class PatternError(ValueError):
    """A pattern from the options that does not follow the pattern syntax."""


class CallPattern(NamedTuple):
    """A callable whose calls name a task type.

    ``target`` is a dotted name or ``*.method``. The task type is the
    argument at ``position`` or the one named ``keyword``. For the call
    form of a registrar (``handle("type", fn)``) ``handler_position`` and
    ``handler_keyword`` locate the handler; a registrar without them is a
    decorator factory (``@handler("type")``). ``compensation`` is True for
    the shipped registry's API, whose handlers can declare compensation.
    """

    target: str
    role: Role
    position: Optional[int] = 0
    keyword: Optional[str] = None
    handler_position: Optional[int] = None
    handler_keyword: Optional[str] = None
    compensation: bool = False

    @property
    def is_decorator(self) -> bool:
        return self.handler_position is None and self.handler_keyword is None

    @property
    def method(self) -> Optional[str]:
        """The method name of a ``*.method`` pattern, else None."""
        if self.target.startswith(ANY_RECEIVER):
            return self.target[len(ANY_RECEIVER) :]
        return None


def parse_pattern(text: str, role: Role) -> CallPattern:
    """Parse ``dotted.name[:keyword]`` or ``*.method[:keyword]``."""
    match = _PATTERN.fullmatch(text.strip())
    if match is None:
        raise PatternError(
            "invalid pattern, write module.callable or *.method, optionally "
            "followed by :keyword, for example celery.shared_task:name"
        )
    keyword = match.group("keyword")
    if keyword is None:
        return CallPattern(match.group("target"), role)
    return CallPattern(match.group("target"), role, position=None, keyword=keyword)


def _shipped_patterns() -> Tuple[CallPattern, ...]:
    # The shipped registry defines handler and handle in registry.handlers,
    # enqueue in registry.enqueue, and re-exports all three from the package.
    patterns: List[CallPattern] = []
    for module in ("registry", "registry.handlers"):
        patterns.append(
            CallPattern(
                f"{module}.handler",
                Role.REGISTRAR,
                keyword="task_type",
                compensation=True,
            )
        )
        patterns.append(
            CallPattern(
                f"{module}.handle",
                Role.REGISTRAR,
                keyword="task_type",
                handler_position=1,
                handler_keyword="target",
                compensation=True,
            )
        )
    for module in ("registry", "registry.enqueue"):
        patterns.append(
            CallPattern(f"{module}.enqueue", Role.ENQUEUER, keyword="task_type")
        )
    return tuple(patterns)


SHIPPED_PATTERNS: Tuple[CallPattern, ...] = _shipped_patterns()


# The pattern of a schedule entry's "task" value: it enqueues that type.
SCHEDULE_ENTRY = CallPattern("schedule entry", Role.ENQUEUER)


def parse_schedule_name(text: str) -> str:
    """Return a schedule variable or attribute name, checked."""
    name = text.strip()
    if not re.fullmatch(_IDENTIFIER, name):
        raise PatternError(
            "invalid name, write the variable or attribute that contains the "
            "schedule, for example beat_schedule"
        )
    return name


class PatternSet:
    """All patterns in force, indexed for the visitor and the pre-check.

    ``schedules`` names the variables or attributes, such as Celery's
    ``beat_schedule``, whose dict entries name a task type under "task".
    """

    def __init__(
        self,
        patterns: Iterable[CallPattern] = SHIPPED_PATTERNS,
        schedules: Iterable[str] = (),
    ) -> None:
        self.patterns = tuple(patterns)
        self.schedules: FrozenSet[str] = frozenset(schedules)
        self._by_name: Dict[str, CallPattern] = {}
        self._by_method: Dict[str, CallPattern] = {}
        for pattern in self.patterns:
            if pattern.method is None:
                self._by_name.setdefault(pattern.target, pattern)
            else:
                self._by_method.setdefault(pattern.method, pattern)
        # Modules a file must import, or methods it must call, before it can
        # contain a match.
        self.root_modules: FrozenSet[str] = frozenset(
            name.split(".", 1)[0] for name in self._by_name
        )
        self.methods: FrozenSet[str] = frozenset(self._by_method)

    def by_name(self, qualified_name: str) -> Optional[CallPattern]:
        return self._by_name.get(qualified_name)

    def by_method(self, method: str) -> Optional[CallPattern]:
        return self._by_method.get(method)
