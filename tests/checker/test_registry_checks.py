"""TSK1xx: problems in the registry, reported on the entry when flake8 checks it."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List

import pytest

from flake8_taskspec.options import SHIPPED_REGISTRY
from flake8_taskspec.plugin import TaskSpecChecker
from flake8_taskspec.registry_index import read_registry

HEADER = textwrap.dedent(
    """\
    from datetime import timedelta

    QUEUES = (Queue(name="default", weight=4), Queue(name="low", weight=1))

    """
)
# One good entry; each case below replaces one of its fields.
GOOD_FIELDS = {
    "type": '"report.send"',
    "queue": '"default"',
    "max_retry": "3",
    "timeout": "timedelta(seconds=30)",
    "retry_delay": "exp(base=timedelta(seconds=5), max=timedelta(hours=1))",
    "unique_ttl": "timedelta(0)",
    "idempotent": "True",
    "human_name": '"Send report"',
}


def entry(**changes: str) -> str:
    fields = {**GOOD_FIELDS, **changes}
    arguments = ", ".join(f"{name}={value}" for name, value in fields.items())
    return f"TaskSpec({arguments})\n"


def out_of_range(field: str, value: str, fix: str) -> str:
    return f"TSK103 task type 'report.send' has {field} {value} - {fix}"


def check_registry_file(tmp_path: Path, monkeypatch, text: str) -> List[str]:
    """Read ``text`` as a one-file registry and run the plugin on that file."""
    path = tmp_path / "tasks.py"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(TaskSpecChecker, "registry", read_registry(str(path)))
    lines = text.splitlines(keepends=True)
    checker = TaskSpecChecker(ast.parse(text), lines, str(path))
    return [f"{line}:{col}: {message}" for line, col, message, _ in checker.run()]


# Each case is an entry on line 5 and its findings; "type=" starts at
# column 9 of that line.
FAILING = [
    pytest.param(
        entry(queue='"bulk"'),
        [
            "5:14: TSK101 task type 'report.send' names queue 'bulk', which is not "
            "in the queue topology - use one of 'default' or 'low' or add "
            "Queue(name='bulk', ...)"
        ],
        id="queue-not-in-topology",
    ),
    pytest.param(
        entry() + entry(),
        [
            "6:14: TSK102 task type 'report.send' is declared twice, first at "
            "line 5 - remove or rename one entry"
        ],
        id="duplicate",
    ),
    pytest.param(
        entry(max_retry="-1"),
        [
            "5:56: "
            + out_of_range(
                "max_retry", "-1", "use 0 for no retries or a positive count"
            )
        ],
        id="negative-max-retry",
    ),
    pytest.param(
        entry(timeout="timedelta(0)"),
        [
            "5:67: "
            + out_of_range("timeout", "0 s", "every task needs a positive timeout")
        ],
        id="zero-timeout",
    ),
    pytest.param(
        entry(timeout="timedelta(minutes=-1)"),
        [
            "5:67: "
            + out_of_range("timeout", "-60 s", "every task needs a positive timeout")
        ],
        id="negative-timeout",
    ),
    pytest.param(
        entry(unique_ttl="timedelta(seconds=-5)"),
        [
            "5:169: "
            + out_of_range(
                "unique_ttl",
                "-5 s",
                "use timedelta(0) for no uniqueness or a positive TTL",
            )
        ],
        id="negative-unique-ttl",
    ),
    pytest.param(
        entry(retry_delay="exp(base=timedelta(hours=2), max=timedelta(hours=1))"),
        [
            "5:102: "
            + out_of_range(
                "retry_delay",
                "base 7200 s above max 3600 s",
                "lower base or raise max",
            )
        ],
        id="backoff-base-above-max",
    ),
    pytest.param(
        entry(retry_delay="exp(timedelta(hours=2))"),
        [
            "5:102: "
            + out_of_range(
                "retry_delay",
                "base 7200 s above max 3600 s",
                "lower base or raise max",
            )
        ],
        id="backoff-base-above-default-max",
    ),
    pytest.param(
        entry(human_name='""'),
        [
            "5:211: "
            + out_of_range(
                "human_name", "''", "give it a short name such as 'Send email'"
            )
        ],
        id="empty-human-name",
    ),
    pytest.param(
        entry(type='""'),
        ["5:14: " + "TSK103 task type '' has type '' - name it like 'email.send'"],
        id="empty-type",
    ),
    pytest.param(
        'TaskSpec("report.send", "default")\n',
        [
            "5:0: TSK104 TaskSpec entry cannot be read without running it: it has "
            "positional arguments - write every field as a keyword argument"
        ],
        id="positional-arguments",
    ),
    pytest.param(
        entry(type='PREFIX + ".send"'),
        [
            "5:14: TSK104 TaskSpec entry cannot be read without running it: type "
            'is not a string literal - write type="..." or a module constant '
            "bound to a string literal"
        ],
        id="computed-type",
    ),
    pytest.param(
        entry(idempotent="not RETRIED"),
        [
            "5:194: TSK104 TaskSpec entry cannot be read without running it: "
            "idempotent flag of 'report.send' is not True or False - write "
            "idempotent=True or idempotent=False"
        ],
        id="computed-idempotent",
    ),
]

PASSING = [
    pytest.param(entry(), id="good-entry"),
    pytest.param(entry(max_retry="0"), id="no-retries"),
    pytest.param(entry(unique_ttl="timedelta(hours=1)"), id="unique-ttl"),
    pytest.param(entry(retry_delay="exp()"), id="default-backoff"),
    pytest.param(entry(retry_delay="WEBHOOK_SCHEDULE"), id="named-schedule"),
    pytest.param(entry(timeout="DEFAULT_TIMEOUT"), id="named-timeout"),
    pytest.param(entry(max_retry="DEFAULT_MAX_RETRY"), id="named-max-retry"),
    pytest.param(
        entry(retry_delay="exp(base=timedelta(hours=1), max=timedelta(hours=1))"),
        id="backoff-base-equal-max",
    ),
]


@pytest.mark.parametrize(("text", "expected"), FAILING)
def test_registry_problem_reported(
    tmp_path: Path, monkeypatch, text: str, expected: list
) -> None:
    assert check_registry_file(tmp_path, monkeypatch, HEADER + text) == expected


@pytest.mark.parametrize("text", PASSING)
def test_registry_entry_accepted(tmp_path: Path, monkeypatch, text: str) -> None:
    assert check_registry_file(tmp_path, monkeypatch, HEADER + text) == []


def test_registry_without_topology(tmp_path: Path, monkeypatch) -> None:
    text = entry(queue='"anything"')
    assert check_registry_file(tmp_path, monkeypatch, text) == []


def test_column_in_characters(tmp_path: Path, monkeypatch) -> None:
    text = HEADER + 'NOTE = "é"; ' + entry(queue='"bulk"')
    findings = check_registry_file(tmp_path, monkeypatch, text)
    assert [finding.split(" ", 1)[0] for finding in findings] == ["5:26:"]


def test_buffer_differs_from_disk(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "tasks.py"
    path.write_text(HEADER + entry())
    monkeypatch.setattr(TaskSpecChecker, "registry", read_registry(str(path)))
    edited = HEADER + entry(max_retry="-2")
    checker = TaskSpecChecker(ast.parse(edited), edited.splitlines(True), str(path))
    findings = [f"{line}:{col}: {message}" for line, col, message, _ in checker.run()]
    assert findings == [
        "5:56: "
        + out_of_range("max_retry", "-2", "use 0 for no retries or a positive count")
    ]


def test_duplicate_across_files(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "a.py").write_text(entry())
    (folder / "b.py").write_text("\n" + entry())
    monkeypatch.setattr(TaskSpecChecker, "registry", read_registry(str(folder)))
    text = (folder / "b.py").read_text()
    checker = TaskSpecChecker(
        ast.parse(text), text.splitlines(True), str(folder / "b.py")
    )
    findings = [f"{line}:{col}: {message}" for line, col, message, _ in checker.run()]
    assert findings == [
        f"2:14: TSK102 task type 'report.send' is declared twice, first at "
        f"{folder / 'a.py'}:1 - remove or rename one entry"
    ]


def test_shipped_registry_clean() -> None:
    assert read_registry(SHIPPED_REGISTRY).problems == []


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TSK", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_flake8_reports_on_registry(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(HEADER + entry(max_retry="-1"))
    (tmp_path / "setup.cfg").write_text("[flake8]\ntaskspec-registry = ./tasks.py\n")
    completed = flake8(".", cwd=tmp_path)
    expected = out_of_range(
        "max_retry", "-1", "use 0 for no retries or a positive count"
    )
    assert completed.stdout == f"./tasks.py:5:57: {expected}\n"
    assert completed.stderr == ""
    assert completed.returncode == 1


def test_flake8_stops_when_registry_unchecked(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(HEADER + entry(max_retry="-1"))
    (tmp_path / "jobs.py").write_text("x = 1\n")
    (tmp_path / "setup.cfg").write_text("[flake8]\ntaskspec-registry = ./tasks.py\n")
    completed = flake8("jobs.py", cwd=tmp_path)
    assert completed.stderr == (
        f"taskspec-registry ({tmp_path / 'tasks.py'}): task type 'report.send' "
        "has max_retry -1 - use 0 for no retries or a positive count at "
        f"{tmp_path / 'tasks.py'}:5\n"
    )
    assert completed.returncode == 1


def test_flake8_stops_when_registry_excluded(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(HEADER + entry() + entry())
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\ntaskspec-registry = ./tasks.py\nextend-exclude = tasks.py\n"
    )
    completed = flake8(".", cwd=tmp_path)
    assert completed.stderr == (
        f"taskspec-registry ({tmp_path / 'tasks.py'}): task type 'report.send' "
        "is declared twice, first at line 5 - remove or rename one entry at "
        f"{tmp_path / 'tasks.py'}:6\n"
    )
    assert completed.returncode == 1


def test_flake8_shipped_registry_clean() -> None:
    completed = flake8(SHIPPED_REGISTRY, cwd=Path(SHIPPED_REGISTRY).parent)
    assert completed.stdout == ""
    assert completed.returncode == 0
