from __future__ import annotations

import ast
from pathlib import Path
from typing import Callable, List, Optional, Sequence

import pytest

from flake8_taskspec.options import SHIPPED_REGISTRY
from flake8_taskspec.patterns import SHIPPED_PATTERNS, PatternSet, Role, parse_pattern
from flake8_taskspec.plugin import TaskSpecChecker
from flake8_taskspec.registry_index import RegistryIndex, read_registry

Check = Callable[..., List[str]]

SMALL_REGISTRY = """\
from registry import TaskSpec

REPORT_SEND = "report.send"

CATALOG = (
    TaskSpec(type=REPORT_SEND, queue="default", idempotent=True),
    TaskSpec(type="report.build", queue="low", idempotent=False),
)
"""


@pytest.fixture(scope="session")
def shipped_registry() -> RegistryIndex:
    return read_registry(SHIPPED_REGISTRY)


@pytest.fixture
def small_registry(tmp_path: Path) -> RegistryIndex:
    path = tmp_path / "small_registry.py"
    path.write_text(SMALL_REGISTRY)
    return read_registry(str(path))


@pytest.fixture
def check(monkeypatch: pytest.MonkeyPatch, shipped_registry: RegistryIndex) -> Check:
    """Return a function that runs the plugin on source text.

    Each finding comes back as ``line:col: CODE message`` with the plugin's
    own 0-based column; flake8 prints that column plus one.
    """

    def run(
        source: str,
        registry: Optional[RegistryIndex] = None,
        patterns: Sequence[str] = (),
        enqueuers: Sequence[str] = (),
        schedules: Sequence[str] = (),
    ) -> List[str]:
        """Check ``source`` with extra registrar and enqueuer patterns."""
        extra = [parse_pattern(text, Role.REGISTRAR) for text in patterns]
        extra += [parse_pattern(text, Role.ENQUEUER) for text in enqueuers]
        pattern_set = PatternSet(SHIPPED_PATTERNS + tuple(extra), schedules)
        monkeypatch.setattr(TaskSpecChecker, "patterns", pattern_set)
        monkeypatch.setattr(TaskSpecChecker, "registry", registry or shipped_registry)
        lines = source.splitlines(keepends=True)
        checker = TaskSpecChecker(ast.parse(source), lines, "jobs.py")
        return [f"{line}:{col}: {message}" for line, col, message, _ in checker.run()]

    return run
