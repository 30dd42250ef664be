"""Files the checker cannot analyse give one finding, never an exception."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Callable, List

import libcst
import pytest

from flake8_taskspec import visitor

Check = Callable[..., List[str]]

REGISTERING = textwrap.dedent(
    """
    from registry import handler

    @handler("email.send")
    def send(payload):
        pass
    """
)


def test_libcst_parse_error_reported(check: Check, monkeypatch) -> None:
    def reject(source: str) -> libcst.Module:
        raise libcst.ParserSyntaxError(
            "tokenizer error: unexpected token", lines=[""], raw_line=1, raw_column=0
        )

    monkeypatch.setattr(libcst, "parse_module", reject)
    assert check(REGISTERING) == [
        "1:0: TSK901 file not checked - libcst could not parse it: "
        "tokenizer error: unexpected token"
    ]


def test_recursion_in_parse_reported(check: Check, monkeypatch) -> None:
    def overflow(source: str) -> libcst.Module:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(libcst, "parse_module", overflow)
    assert check(REGISTERING) == [
        "1:0: TSK901 file not checked - libcst could not parse it: "
        "RecursionError: maximum recursion depth exceeded"
    ]


class PanicException(BaseException):
    """Stands in for pyo3's panic, which derives from BaseException."""


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (TypeError("unexpected node"), "TypeError: unexpected node"),
        (PanicException("index out of\nbounds"), "PanicException: index out of bounds"),
    ],
)
def test_internal_error_reported(check: Check, monkeypatch, error, shown) -> None:
    def fail(self, node) -> None:
        raise error

    monkeypatch.setattr(visitor.SiteCollector, "_enter_scope", fail)
    assert check(REGISTERING) == [
        f"1:0: TSK902 file not checked - the checker failed with {shown}, "
        "please report it with this file"
    ]


def test_keyboard_interrupt_propagates(check: Check, monkeypatch) -> None:
    def interrupt(self, node) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(visitor.SiteCollector, "_enter_scope", interrupt)
    with pytest.raises(KeyboardInterrupt):
        check(REGISTERING)


def test_file_without_registry_skips_libcst() -> None:
    script = textwrap.dedent(
        """
        import ast, sys
        from flake8_taskspec.plugin import TaskSpecChecker
        source = "import os\\n\\n@handler('email.sned')\\ndef f():\\n    pass\\n"
        checker = TaskSpecChecker(ast.parse(source), source.splitlines(True), "jobs.py")
        print(list(checker.run()), "libcst" in sys.modules)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert completed.stdout == "[] False\n"


def test_registry_word_without_import_skips_libcst() -> None:
    script = textwrap.dedent(
        """
        import ast, sys
        from flake8_taskspec.plugin import TaskSpecChecker
        source = "# the registry lives elsewhere\\nregistry = {}\\n"
        checker = TaskSpecChecker(ast.parse(source), source.splitlines(True), "jobs.py")
        print(list(checker.run()), "libcst" in sys.modules)
        """
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert completed.stdout == "[] False\n"


def chain(operands: int) -> str:
    """Return a module with an ``and`` chain of that many operands."""
    return (
        "from registry import handle\n"
        f"x = {' and '.join(['1'] * operands)}\n"
        'handle("email.sned", print)\n'
    )


def test_deep_nesting_declined(check: Check) -> None:
    # libcst 1.9.0's native parser crashes the process at about 8,000.
    assert check(chain(20000)) == [
        "1:0: TSK903 file not checked - it nests 20002 levels deep, more than "
        "the 1000 that libcst can parse safely"
    ]


def test_nesting_within_limit_checked(check: Check) -> None:
    assert check(chain(900)) == [
        "3:7: TSK001 task type 'email.sned' is not in the registry - "
        "did you mean 'email.send' or 'email.verify'?"
    ]


def test_recursion_limit_restored(check: Check) -> None:
    before = sys.getrecursionlimit()
    check(chain(900))
    assert sys.getrecursionlimit() == before


def test_deep_file_with_parallel_jobs(tmp_path) -> None:
    (tmp_path / "deep.py").write_text(chain(20000))
    (tmp_path / "jobs.py").write_text(chain(3))
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TSK", "--jobs", "2", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert sorted(completed.stdout.splitlines()) == [
        "./deep.py:1:1: TSK903 file not checked - it nests 20002 levels deep, "
        "more than the 1000 that libcst can parse safely",
        "./jobs.py:3:8: TSK001 task type 'email.sned' is not in the registry - "
        "did you mean 'email.send' or 'email.verify'?",
    ]
