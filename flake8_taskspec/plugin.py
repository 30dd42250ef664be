"""The flake8 entry point: reads options once, yields findings per file."""

from __future__ import annotations

import argparse
import ast
import os
from typing import Any, ClassVar, Generator, List, Optional, Sequence, Tuple, Type

from flake8.options.manager import OptionManager

from flake8_taskspec import __version__, options
from flake8_taskspec.checker import Finding, check_source
from flake8_taskspec.messages import INTERNAL_ERROR, single_line
from flake8_taskspec.patterns import PatternSet
from flake8_taskspec.precheck import may_contain_sites
from flake8_taskspec.registry_index import (
    RegistryError,
    RegistryIndex,
    read_registry,
    startup_error,
)

FlakeResult = Tuple[int, int, str, Type[Any]]


class TaskSpecChecker:
    """flake8 plugin: every registration must name a task type in the registry."""

    name = "flake8-taskspec"
    version = __version__

    # Read once per process in parse_options; flake8's --jobs workers
    # inherit them when they fork.
    registry: ClassVar[Optional[RegistryIndex]] = None
    patterns: ClassVar[PatternSet] = PatternSet()

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        self.tree = tree
        self.lines = lines
        self.filename = filename

    @classmethod
    def add_options(cls, manager: OptionManager) -> None:
        options.add_options(manager)

    @classmethod
    def parse_options(cls, parsed: argparse.Namespace) -> None:
        """Read the patterns and the registry, or stop flake8 naming the problem."""
        cls.patterns = options.pattern_set(parsed)
        try:
            registry = read_registry(options.registry_path(parsed))
        except RegistryError as error:
            raise SystemExit(str(error)) from None
        if registry.problems:
            # A problem in a file flake8 checks is reported there as TSK1xx;
            # any other would go unseen, so it stops the run.
            checked = options.checked_files(parsed)
            for problem in registry.problems:
                if problem.filename not in checked:
                    raise SystemExit(str(startup_error(registry, problem)))
        cls.registry = registry

    def run(self) -> Generator[FlakeResult, None, None]:
        for line, column, message in self._registry_findings():
            yield line, column, message, type(self)
        source = "".join(self.lines)
        if not may_contain_sites(source, self.tree, self.patterns):
            return
        for finding in self._check(source):
            yield finding.line, finding.column, finding.message, type(self)

    def _check(self, source: str) -> List[Finding]:
        """Check ``source``, turning any internal failure into a finding.

        An exception escaping a plugin aborts the whole flake8 run. libcst's
        native parser can also raise a pyo3 PanicException, which derives
        from BaseException and cannot be pickled back from a --jobs worker.
        """
        try:
            return check_source(source, self.tree, self._registry(), self.patterns)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # noqa: B036 - see the docstring
            description = single_line(f"{type(error).__name__}: {error}")
            message = INTERNAL_ERROR.format(error=description)
            return [Finding(1, 0, message)]

    def _registry_findings(self) -> List[Tuple[int, int, str]]:
        """Return the TSK1xx findings when this file belongs to the registry."""
        registry = self._registry()
        filename = os.path.abspath(self.filename)
        if filename not in registry.files or not isinstance(self.tree, ast.Module):
            return []
        current = registry.with_file(self.tree, filename)
        findings = []
        for problem in current.problems:
            if problem.filename == filename:
                column = character_column(self.lines, problem.line, problem.column)
                findings.append((problem.line, column, problem.finding))
        return findings

    @classmethod
    def _registry(cls) -> RegistryIndex:
        if cls.registry is None:
            cls.registry = read_registry(options.SHIPPED_REGISTRY)
        return cls.registry


def character_column(lines: Sequence[str], line: int, byte_offset: int) -> int:
    """Convert ast's UTF-8 byte offset on ``line`` to a character offset."""
    if not 1 <= line <= len(lines):
        return 0
    encoded = lines[line - 1].encode("utf-8")
    return len(encoded[:byte_offset].decode("utf-8", errors="ignore"))
