"""The compensation hooks a module declares, for TSK002.

A handler of a non-idempotent task type has compensation when its
registration passes ``compensate=`` (not None), when ``@name.compensate``
or ``name.compensate(fn)`` attaches one, or when its class defines
``compensate``, directly or through a base class. Whatever cannot be seen
in the file (a base class or handler from another module, keywords passed
through ``**``) counts as compensation, so TSK002 is never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, Optional, Set, Tuple

import libcst as cst

from flake8_taskspec.imports import dotted_name
from flake8_taskspec.syntax import argument, has_double_star, last_name

COMPENSATE = "compensate"
# Bases that add no compensate method.
PLAIN_BASES = frozenset({"object", "Generic", "Protocol", "ABC"})


@dataclass(frozen=True)
class ClassInfo:
    defines_compensate: bool
    bases: Tuple[Optional[str], ...]


@dataclass
class CompensationIndex:
    """Hook owners and classes of one module."""

    hook_owners: Set[str] = field(default_factory=set)
    classes: Dict[str, ClassInfo] = field(default_factory=dict)

    def note_hook(self, expression: cst.BaseExpression) -> None:
        """Record ``owner`` from ``@owner.compensate`` or ``owner.compensate(fn)``."""
        if (
            isinstance(expression, cst.Attribute)
            and expression.attr.value == COMPENSATE
        ):
            owner = last_name(expression.value)
            if owner is not None:
                self.hook_owners.add(owner)

    def note_class(self, node: cst.ClassDef) -> ClassInfo:
        info = ClassInfo(
            defines_compensate=_defines_compensate(node.body),
            bases=tuple(dotted_name(base.value) for base in node.bases),
        )
        self.classes[node.name.value] = info
        return info

    def class_has_compensate(self, name: str, seen: Optional[Set[str]] = None) -> bool:
        """Return True unless the class surely lacks a compensate method."""
        info = self.classes.get(name)
        if info is None:
            return True
        if info.defines_compensate:
            return True
        seen = (seen or set()) | {name}
        return any(self._base_may_compensate(base, seen) for base in info.bases)

    def _base_may_compensate(self, base: Optional[str], seen: Set[str]) -> bool:
        if base is None:
            return True
        if base in PLAIN_BASES or base in seen:
            return False
        return self.class_has_compensate(base, seen)


def has_compensate_keyword(call: cst.Call) -> bool:
    """Return True if the call passes compensation, or may through ``**``."""
    if has_double_star(call.args):
        return True
    value = argument(call.args, None, COMPENSATE)
    if value is None:
        return False
    return not (isinstance(value, cst.Name) and value.value == "None")


def _defines_compensate(body: cst.BaseSuite) -> bool:
    if not isinstance(body, cst.IndentedBlock):
        return False
    return any(_statement_defines(statement) for statement in body.body)


def _statement_defines(statement: cst.BaseStatement) -> bool:
    if isinstance(statement, cst.FunctionDef):
        return statement.name.value == COMPENSATE
    if isinstance(statement, cst.SimpleStatementLine):
        return any(_assigns_compensate(small) for small in statement.body)
    if isinstance(statement, cst.ClassDef):
        return False
    # A compensate method defined under if, try, with or a loop.
    return any(_defines_compensate(suite) for suite in _suites(statement))


def _suites(statement: cst.BaseStatement) -> Iterable[cst.BaseSuite]:
    for name in ("body", "orelse", "finalbody"):
        part = getattr(statement, name, None)
        if isinstance(part, cst.BaseSuite):
            yield part
        elif part is not None and isinstance(
            getattr(part, "body", None), cst.BaseSuite
        ):
            # else / elif / finally clauses wrap their suite.
            yield part.body
            if isinstance(part, cst.If):
                yield from _suites(part)
    for handler in getattr(statement, "handlers", ()):
        yield handler.body


def _assigns_compensate(statement: cst.BaseSmallStatement) -> bool:
    if isinstance(statement, cst.Assign):
        return any(
            isinstance(target.target, cst.Name) and target.target.value == COMPENSATE
            for target in statement.targets
        )
    if isinstance(statement, cst.AnnAssign):
        target = statement.target
        return isinstance(target, cst.Name) and target.value == COMPENSATE
    return False
