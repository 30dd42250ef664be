"""Shared set-up of the robustness tests.

The folder runs in two modes. The default mode fits in CI's time: 300
from_grammar and 100 from_node programs, a fixed sample of the real files
for the libcst sweep, and 30 files for the injection test. Setting
``TASKSPEC_EXAMPLES`` switches to the thorough mode: every hypothesis test
runs that many examples, the sweep sends every file through libcst, and
the injection test uses more files and more insertions per file::

    TASKSPEC_EXAMPLES=5000 .venv/bin/python -m pytest tests/robustness

The thorough mode also draws fresh random examples on each run, where the
default mode is derandomized so that CI runs the same examples every time.
"""

from __future__ import annotations

import ast
import io
import os
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Callable, List, Optional, Tuple, Union

import pytest
from hypothesis import HealthCheck, Phase, settings

from flake8_taskspec.options import SHIPPED_REGISTRY
from flake8_taskspec.patterns import SHIPPED_PATTERNS, PatternSet
from flake8_taskspec.plugin import TaskSpecChecker
from flake8_taskspec.registry_index import RegistryIndex, read_registry

EXAMPLES_VARIABLE = "TASKSPEC_EXAMPLES"
PROFILE = "taskspec-robustness"
DEFAULT_EXAMPLES = 300
# For generators that take about a quarter of a second per program.
SLOW_PROFILE = "taskspec-robustness-slow"
DEFAULT_SLOW_EXAMPLES = 100

# 1-based line, 0-based column in characters, message with its code.
PluginFinding = Tuple[int, int, str]


def _examples_from_environment() -> Optional[int]:
    value = os.environ.get(EXAMPLES_VARIABLE)
    if value is None or not value.strip():
        return None
    try:
        examples = int(value)
    except ValueError:
        examples = 0
    if examples < 1:
        raise pytest.UsageError(
            f"{EXAMPLES_VARIABLE}={value!r} is not a positive whole number, "
            "set it to an example count such as 5000 or unset it"
        )
    return examples


THOROUGH_EXAMPLES = _examples_from_environment()

settings.register_profile(
    PROFILE,
    max_examples=THOROUGH_EXAMPLES or DEFAULT_EXAMPLES,
    # Checking one generated program takes from a millisecond to a second,
    # depending on its size, so no per-example deadline is meaningful.
    deadline=None,
    # hypothesmith's from_grammar calls target() to favor longer programs,
    # and the target phase then hill-climbs on that score: one measured run
    # checked 4,161 programs for max_examples=150.
    phases=[phase for phase in Phase if phase is not Phase.target],
    print_blob=True,
    suppress_health_check=[
        # hypothesmith draws each program from a grammar and discards the
        # ones that compile() rejects, so generation alone is slow and
        # filters out many candidates.
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        # A program is built from many draws, and some grow past the
        # buffer that hypothesis allows for one example.
        HealthCheck.data_too_large,
    ],
)
if THOROUGH_EXAMPLES is None:
    # The same examples on every run, and none replayed from earlier runs.
    settings.register_profile(
        PROFILE, settings.get_profile(PROFILE), derandomize=True, database=None
    )
settings.register_profile(
    SLOW_PROFILE,
    settings.get_profile(PROFILE),
    max_examples=THOROUGH_EXAMPLES or DEFAULT_SLOW_EXAMPLES,
)


@pytest.fixture(scope="session")
def thorough_mode() -> bool:
    """True when TASKSPEC_EXAMPLES is set, which selects the thorough mode."""
    return THOROUGH_EXAMPLES is not None


@pytest.fixture(scope="session")
def shipped_index() -> RegistryIndex:
    return read_registry(SHIPPED_REGISTRY)


@pytest.fixture(scope="session")
def shipped_patterns() -> PatternSet:
    return PatternSet(SHIPPED_PATTERNS)


@pytest.fixture(scope="session")
def checker_class(shipped_index: RegistryIndex, shipped_patterns: PatternSet) -> type:
    """Return a TaskSpecChecker subclass bound to the shipped registry.

    The subclass carries the registry and patterns itself, so the tests
    leave the plugin's own class attributes alone and hypothesis tests,
    which cannot use the function-scoped monkeypatch, can use it too.
    """

    class ShippedRegistryChecker(TaskSpecChecker):
        registry = shipped_index
        patterns = shipped_patterns

    return ShippedRegistryChecker


def flake8_lines(source: Union[str, bytes]) -> List[str]:
    """Split ``source`` into the lines flake8 hands a plugin.

    Bytes are decoded as flake8 decodes a file: by the coding declaration
    or UTF-8, with latin-1 as the fallback. Line ends become ``\\n`` and a
    byte order mark is dropped, as flake8's reader does.
    """
    if isinstance(source, bytes):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
            text = io.TextIOWrapper(io.BytesIO(source), encoding).read()
        except (LookupError, SyntaxError, UnicodeError):
            text = io.TextIOWrapper(io.BytesIO(source), "latin-1").read()
    else:
        text = io.StringIO(source, newline=None).read()
    lines = io.StringIO(text).readlines()
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines


@pytest.fixture(scope="session")
def read_as_flake8() -> Callable[[Union[str, bytes]], List[str]]:
    return flake8_lines


RunPlugin = Callable[..., List[PluginFinding]]


@pytest.fixture(scope="session")
def run_plugin(checker_class: type) -> RunPlugin:
    """Return a function that runs the plugin on a file's text or bytes.

    It builds the lines and the ast the way flake8 does, and returns each
    finding as ``(line, column, message)`` with the plugin's 0-based column.
    """

    def run(
        source: Union[str, bytes],
        filename: str = "jobs.py",
        checker: Optional[type] = None,
    ) -> List[PluginFinding]:
        lines = flake8_lines(source)
        tree = ast.parse("".join(lines))
        plugin = (checker or checker_class)(tree, lines, filename)
        return [(line, column, message) for line, column, message, _ in plugin.run()]

    return run


def as_text(findings: List[PluginFinding]) -> List[str]:
    """Format findings as ``line:col: CODE message`` for readable asserts."""
    return [f"{line}:{column}: {message}" for line, column, message in findings]


@pytest.fixture(scope="session")
def format_findings() -> Callable[[List[PluginFinding]], List[str]]:
    return as_text


RunFlake8 = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture(scope="session")
def run_flake8() -> RunFlake8:
    """Return a function that runs real flake8 with only the TSK codes."""

    def run(
        *args: str, cwd: Path, stdin: Optional[str] = None, timeout: float = 300
    ) -> "subprocess.CompletedProcess[str]":
        return subprocess.run(
            [sys.executable, "-m", "flake8", "--select", "TSK", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


def write_report(config: pytest.Config, text: str) -> None:
    """Print a count on the terminal, past pytest's output capture."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"\n[robustness] {text}")


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Callable[[str], None]:
    """Return a function that prints a count past pytest's output capture."""

    def show(text: str) -> None:
        write_report(request.config, text)

    return show


@pytest.fixture(scope="module")
def module_report(request: pytest.FixtureRequest):
    """Yield a list of lines to print when the module's tests are done."""
    lines: List[str] = []
    yield lines
    for text in lines:
        write_report(request.config, text)
