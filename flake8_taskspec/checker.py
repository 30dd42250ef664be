"""Turn a module's source into findings, independent of flake8."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, List, Sequence, Tuple

from flake8_taskspec.messages import (
    MISSING_COMPENSATION,
    UNKNOWN_TASK_TYPE,
    UNKNOWN_TASK_TYPE_NO_MATCH,
    UNPARSABLE_FILE,
    quote_names,
    single_line,
)
from flake8_taskspec.patterns import PatternSet
from flake8_taskspec.registry_index import RegistryIndex

if TYPE_CHECKING:
    import libcst as cst

    from flake8_taskspec.visitor import Registration, RegistrationCollector

SUGGESTION_LIMIT = 3
SUGGESTION_CUTOFF = 0.6


@dataclass(frozen=True)
class Finding:
    """One finding: 1-based line, 0-based column in characters, message."""

    line: int
    column: int
    message: str


def check_source(
    source: str, index: RegistryIndex, patterns: PatternSet
) -> List[Finding]:
    """Parse ``source`` with libcst and check every registration in it.

    libcst is imported here, not at module level, because its import alone
    costs more than a flake8 run on a small file.
    """
    import libcst as cst

    from flake8_taskspec.visitor import RegistrationCollector

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return [_unparsable(error.message)]
    except (cst.CSTValidationError, RecursionError) as error:
        # CSTValidationError derives from SyntaxError, and flake8 would
        # report it as a bogus E999 if it escaped.
        return [_unparsable(f"{type(error).__name__}: {error}")]
    collector = RegistrationCollector(patterns)
    module.visit(collector)
    reported = _unknown_types(collector.registrations, index)
    reported += _missing_compensation(collector, index)
    return _place(module, reported)


def closest_task_types(task_type: str, known: Sequence[str]) -> Tuple[str, ...]:
    matches = difflib.get_close_matches(
        task_type, known, n=SUGGESTION_LIMIT, cutoff=SUGGESTION_CUTOFF
    )
    return tuple(matches)


def _unknown_types(
    registrations: List["Registration"], index: RegistryIndex
) -> List[Tuple["cst.CSTNode", str]]:
    reported: List[Tuple["cst.CSTNode", str]] = []
    for registration in registrations:
        task_type = registration.task_type
        if task_type is None or index.get(task_type) is not None:
            continue
        suggestions = closest_task_types(task_type, index.task_types)
        if suggestions:
            message = UNKNOWN_TASK_TYPE.format(
                task_type=task_type, suggestions=quote_names(suggestions)
            )
        else:
            message = UNKNOWN_TASK_TYPE_NO_MATCH.format(task_type=task_type)
        reported.append((registration.task_type_node, message))
    return reported


def _missing_compensation(
    collector: "RegistrationCollector", index: RegistryIndex
) -> List[Tuple["cst.CSTNode", str]]:
    reported: List[Tuple["cst.CSTNode", str]] = []
    for registration in collector.registrations_missing_compensation():
        entry = index.get(registration.task_type or "")
        if entry is None or entry.idempotent:
            continue
        message = MISSING_COMPENSATION.format(
            task_type=entry.task_type,
            hook_owner=registration.hook_owner or "<handler>",
        )
        reported.append((registration.task_type_node, message))
    return reported


def _place(
    module: "cst.Module", reported: List[Tuple["cst.CSTNode", str]]
) -> List[Finding]:
    """Attach positions, computed only when there is something to report."""
    if not reported:
        return []
    from libcst.metadata import MetadataWrapper, PositionProvider

    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    positions = wrapper.resolve(PositionProvider)
    findings = []
    for node, message in reported:
        start = positions[node].start
        findings.append(Finding(start.line, start.column, message))
    return sorted(findings, key=lambda f: (f.line, f.column, f.message))


def _unparsable(error: str) -> Finding:
    return Finding(1, 0, UNPARSABLE_FILE.format(error=single_line(error)))
