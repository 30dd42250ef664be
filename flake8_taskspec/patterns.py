"""Which callables register a handler, and where their task type sits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import FrozenSet, Optional, Tuple


@dataclass(frozen=True)
class RegistrarPattern:
    """A callable whose call registers a handler for a task type.

    ``qualified_name`` is the dotted name the callee resolves to through the
    module's imports. The task type is the first positional argument or the
    ``task_type_keyword`` argument. ``target_position`` is the positional
    index of the handler in the call form (``handle("type", fn)``), or None
    for a decorator factory (``@handler("type")``).
    """

    qualified_name: str
    task_type_keyword: str = "task_type"
    target_position: Optional[int] = None
    target_keyword: Optional[str] = None

    @property
    def is_decorator(self) -> bool:
        return self.target_position is None

    @property
    def root_module(self) -> str:
        return self.qualified_name.split(".", 1)[0]


def _shipped_registrars() -> Tuple[RegistrarPattern, ...]:
    # The shipped registry defines handler and handle in registry.handlers
    # and re-exports them from the package.
    patterns = []
    for module in ("registry", "registry.handlers"):
        patterns.append(RegistrarPattern(f"{module}.handler"))
        patterns.append(
            RegistrarPattern(
                f"{module}.handle", target_position=1, target_keyword="target"
            )
        )
    return tuple(patterns)


DEFAULT_REGISTRARS: Tuple[RegistrarPattern, ...] = _shipped_registrars()


class PatternSet:
    """All registrar patterns in force, indexed by qualified name."""

    def __init__(self, registrars: Tuple[RegistrarPattern, ...] = DEFAULT_REGISTRARS):
        self.registrars = registrars
        self._by_name = {pattern.qualified_name: pattern for pattern in registrars}
        # Modules a file must import before it can register anything.
        self.root_modules: FrozenSet[str] = frozenset(
            pattern.root_module for pattern in registrars
        )

    def registrar(self, qualified_name: str) -> Optional[RegistrarPattern]:
        return self._by_name.get(qualified_name)
