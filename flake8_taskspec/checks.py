"""The checks run on one parsed file, one small method per code."""

from __future__ import annotations

import ast
import difflib
import functools
from typing import Dict, List, Optional, Tuple

import libcst as cst

from flake8_taskspec import messages
from flake8_taskspec.checker import Finding
from flake8_taskspec.imports import resolve
from flake8_taskspec.messages import Message
from flake8_taskspec.patterns import Role
from flake8_taskspec.positions import StatementPositions
from flake8_taskspec.registry_index import RegistryIndex
from flake8_taskspec.visitor import Site, SiteCollector, literal_string

SUGGESTION_LIMIT = 3
SUGGESTION_CUTOFF = 0.6
# The source of a computed task type is quoted in TSK003 up to this length.
MAX_QUOTED_EXPRESSION = 40

UNKNOWN_MESSAGES = {
    Role.REGISTRAR: (messages.UNKNOWN_TASK_TYPE, messages.UNKNOWN_TASK_TYPE_NO_MATCH),
    Role.ENQUEUER: (
        messages.UNKNOWN_ENQUEUED_TYPE,
        messages.UNKNOWN_ENQUEUED_TYPE_NO_MATCH,
    ),
}


@functools.lru_cache(maxsize=1024)
def closest_task_types(task_type: str, known: Tuple[str, ...]) -> Tuple[str, ...]:
    # Cached because one misspelling tends to repeat across a file and a
    # run, and each lookup compares it with every registered name.
    matches = difflib.get_close_matches(
        task_type, known, n=SUGGESTION_LIMIT, cutoff=SUGGESTION_CUTOFF
    )
    return tuple(matches)


class FileCheck:
    """The checks of one parsed file."""

    def __init__(
        self,
        source: str,
        tree: ast.AST,
        module: cst.Module,
        collector: SiteCollector,
        index: RegistryIndex,
    ) -> None:
        # str.splitlines would also split at form feeds, which are no line
        # breaks for Python or libcst.
        self.lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.module = module
        self.collector = collector
        self.index = index
        self._positions = StatementPositions(module, tree)
        self._found: List[Tuple[Site, str]] = []

    def findings(self) -> List[Finding]:
        first_registration: Dict[str, Site] = {}
        for site in self.collector.sites:
            task_type = self.task_type(site)
            if task_type is None:
                self._not_a_literal(site)
            elif self.index.get(task_type) is None:
                self._unknown(site, task_type)
            elif site.pattern.role is Role.REGISTRAR:
                self._duplicate(site, task_type, first_registration)
                self._missing_compensation(site, task_type)
        return self._placed()

    def task_type(self, site: Site) -> Optional[str]:
        """Return the task type a site names, if it is a literal or a constant."""
        node = site.task_type_node
        literal = literal_string(node)
        if literal is not None:
            return literal
        if isinstance(node, cst.Name) and node.value in self.collector.constants:
            return self.collector.constants[node.value]
        qualified_name = resolve(self.collector.bindings, node)
        if qualified_name is None:
            return None
        return self.index.constants.get(qualified_name)

    def _not_a_literal(self, site: Site) -> None:
        expression = " ".join(self.module.code_for_node(site.task_type_node).split())
        if len(expression) > MAX_QUOTED_EXPRESSION:
            expression = expression[: MAX_QUOTED_EXPRESSION - 3] + "..."
        self._report(site, messages.NOT_A_LITERAL, expression=expression)

    def _unknown(self, site: Site, task_type: str) -> None:
        with_names, without_names = UNKNOWN_MESSAGES[site.pattern.role]
        suggestions = closest_task_types(task_type, self.index.task_types)
        if suggestions:
            self._report(
                site,
                with_names,
                task_type=task_type,
                suggestions=messages.quote_names(suggestions),
            )
        else:
            self._report(site, without_names, task_type=task_type)

    def _duplicate(
        self, site: Site, task_type: str, first_registration: Dict[str, Site]
    ) -> None:
        first = first_registration.setdefault(task_type, site)
        if first is site:
            return
        first_line = self._start(first)[0]
        self._report(
            site,
            messages.DUPLICATE_REGISTRATION,
            task_type=task_type,
            first_line=first_line,
        )

    def _missing_compensation(self, site: Site, task_type: str) -> None:
        entry = self.index.get(task_type)
        # An entry whose flag is not a literal (None) has its own TSK104.
        if entry is None or entry.idempotent is not False:
            return
        if not site.pattern.compensation or self.collector.has_compensation(site):
            return
        if site.hook_owner is None:
            self._report(
                site, messages.MISSING_COMPENSATION_UNNAMED, task_type=task_type
            )
        else:
            self._report(
                site,
                messages.MISSING_COMPENSATION,
                task_type=task_type,
                hook_owner=site.hook_owner,
            )

    def _report(self, site: Site, message: Message, **values: object) -> None:
        self._found.append((site, message.format(**values)))

    def _start(self, site: Site) -> Tuple[int, int]:
        return self._positions.start(site.task_type_node, site.statement)

    def _placed(self) -> List[Finding]:
        findings = []
        for site, message in self._found:
            line, column = self._start(site)
            column = self._character_column(site.task_type_node, line, column)
            findings.append(Finding(line, column, message))
        return sorted(findings, key=lambda f: (f.line, f.column, f.message))

    def _character_column(self, node: cst.CSTNode, line: int, column: int) -> int:
        """Return the column in characters of the line as flake8 shows it.

        libcst's column skips a form feed at the start of a line, which
        flake8 and editors count as a character.
        """
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if "\f" not in text[: column + 1]:
            return column
        first_line = self.module.code_for_node(node).splitlines()[0]
        found = text.find(first_line, column)
        return found if found >= 0 else column
