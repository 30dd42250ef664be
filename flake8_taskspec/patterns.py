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

    @property
    def callable_name(self) -> str:
        return self.qualified_name.rsplit(".", 1)[-1]


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


@dataclass(frozen=True)
class PatternSet:
    """All registrar patterns in force, indexed for fast lookup."""

    registrars: Tuple[RegistrarPattern, ...] = DEFAULT_REGISTRARS

    def registrar(self, qualified_name: str) -> Optional[RegistrarPattern]:
        for pattern in self.registrars:
            if pattern.qualified_name == qualified_name:
                return pattern
        return None

    @property
    def root_modules(self) -> FrozenSet[str]:
        """Modules a file must import before it can register anything."""
        return frozenset(pattern.root_module for pattern in self.registrars)

    @property
    def callable_names(self) -> FrozenSet[str]:
        return frozenset(pattern.callable_name for pattern in self.registrars)
