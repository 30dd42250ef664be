"""End to end through real flake8 in a subprocess."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Optional

import pytest

SNED = (
    "TSK001 task type 'email.sned' is not in the registry - "
    "did you mean 'email.send' or 'email.verify'?"
)
HANDLERS = textwrap.dedent(
    """\
    from registry import handler


    @handler("email.sned")
    def send(payload):
        pass
    """
)
USER_REGISTRY = textwrap.dedent(
    """\
    from registry import TaskSpec

    CATALOG = (TaskSpec(type="report.send", queue="low", idempotent=True),)
    """
)
REPORT_HANDLER = textwrap.dedent(
    """\
    from registry import handler


    @handler("report.send")
    def send(payload):
        pass
    """
)


def flake8(
    *args: str, cwd: Path, stdin: Optional[str] = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TSK", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version_lists_plugin(tmp_path: Path) -> None:
    completed = flake8("--version", cwd=tmp_path)
    assert "flake8-taskspec: 0.1.0" in completed.stdout


def test_file_finding(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(HANDLERS)
    completed = flake8("jobs.py", cwd=tmp_path)
    assert completed.stdout == f"jobs.py:4:10: {SNED}\n"
    assert completed.returncode == 1


def test_stdin_display_name(tmp_path: Path) -> None:
    completed = flake8(
        "--stdin-display-name", "jobs/email.py", "-", cwd=tmp_path, stdin=HANDLERS
    )
    assert completed.stdout == f"jobs/email.py:4:10: {SNED}\n"


def test_noqa_silences_finding(tmp_path: Path) -> None:
    source = HANDLERS.replace('"email.sned")', '"email.sned")  # noqa: TSK001')
    (tmp_path / "jobs.py").write_text(source)
    completed = flake8("jobs.py", cwd=tmp_path)
    assert completed.stdout == ""
    assert completed.returncode == 0


def test_parallel_jobs(tmp_path: Path) -> None:
    names = [f"jobs_{number}.py" for number in range(6)]
    for name in names:
        (tmp_path / name).write_text(HANDLERS)
    completed = flake8("--jobs", "2", *names, cwd=tmp_path)
    expected = "".join(f"{name}:4:10: {SNED}\n" for name in names)
    assert completed.stdout == expected


@pytest.mark.parametrize("config_name", ["setup.cfg", "tox.ini", ".flake8"])
def test_registry_from_config(tmp_path: Path, config_name: str) -> None:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "specs.py").write_text(USER_REGISTRY)
    (tmp_path / "jobs.py").write_text(REPORT_HANDLER + HANDLERS.replace("sned", "send"))
    (tmp_path / config_name).write_text("[flake8]\ntaskspec-registry = tasks/\n")
    completed = flake8("jobs.py", cwd=tmp_path)
    assert completed.stdout == (
        "jobs.py:10:10: TSK001 task type 'email.send' is not in the registry - "
        "add it to the registry or fix the name\n"
    )


def test_registry_path_from_parent_config(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(USER_REGISTRY)
    (tmp_path / "setup.cfg").write_text("[flake8]\ntaskspec_registry = ./tasks.py\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "jobs.py").write_text(REPORT_HANDLER)
    completed = flake8("jobs.py", cwd=tmp_path / "app")
    assert completed.stderr == ""
    assert completed.returncode == 0


def test_registry_option_relative_to_cwd(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text(USER_REGISTRY)
    (tmp_path / "jobs.py").write_text(REPORT_HANDLER)
    completed = flake8("--taskspec-registry", "./tasks.py", "jobs.py", cwd=tmp_path)
    assert completed.stderr == ""
    assert completed.returncode == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "tasks.py",
            "taskspec-registry (tasks.py): a bare file name is ambiguous, write "
            "./tasks.py so that it is resolved from the config file's folder",
        ),
        (
            "",
            "taskspec-registry (): empty path, set it to a registry module or "
            "package folder, or remove it to use the shipped registry",
        ),
    ],
)
def test_unusable_registry_value(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "tasks.py").write_text(USER_REGISTRY)
    (tmp_path / "jobs.py").write_text(REPORT_HANDLER)
    (tmp_path / "setup.cfg").write_text(f"[flake8]\ntaskspec-registry = {value}\n")
    completed = flake8("jobs.py", cwd=tmp_path)
    assert completed.stderr == message + "\n"
    assert completed.returncode == 1


def test_missing_registry_stops_flake8(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(HANDLERS)
    (tmp_path / ".flake8").write_text("[flake8]\ntaskspec-registry = ./nowhere\n")
    completed = flake8("jobs.py", cwd=tmp_path)
    missing = tmp_path / "nowhere"
    assert completed.stderr == (
        f"taskspec-registry ({missing}): no such file or folder, set "
        "--taskspec-registry to a registry module or package folder\n"
    )
    assert completed.stdout == ""
    assert completed.returncode == 1


def test_broken_registry_stops_flake8(tmp_path: Path) -> None:
    (tmp_path / "tasks.py").write_text('TaskSpec(type=f"{PREFIX}.send")\n')
    (tmp_path / "jobs.py").write_text(HANDLERS)
    completed = flake8("--taskspec-registry=./tasks.py", "jobs.py", cwd=tmp_path)
    assert completed.stderr == (
        f"taskspec-registry ({tmp_path / 'tasks.py'}): TaskSpec entry cannot be "
        "read without running it: type is not a string literal - write "
        'type="..." or a module constant bound to a string literal at '
        f"{tmp_path / 'tasks.py'}:1\n"
    )
    assert completed.returncode == 1


def test_patterns_from_config(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text(
        "[flake8]\n"
        "taskspec-registrars = *.task:name, celery.shared_task:name\n"
        "taskspec-enqueuers =\n"
        "    *.send_task,\n"
        "    *.enqueue_job\n"
    )
    (tmp_path / "tasks.py").write_text(
        "from celery import shared_task\n"
        "\n"
        "\n"
        '@shared_task(name="email.sned")\n'
        "def send(app):\n"
        '    app.send_task("email.sned")\n'
    )
    completed = flake8("tasks.py", cwd=tmp_path)
    assert completed.stdout == (
        f"tasks.py:4:19: {SNED}\n"
        "tasks.py:6:19: TSK005 enqueued task type 'email.sned' is not in the "
        "registry - did you mean 'email.send' or 'email.verify'?\n"
    )


def test_schedules_from_config(tmp_path: Path) -> None:
    (tmp_path / "tox.ini").write_text("[flake8]\ntaskspec-schedules = beat_schedule\n")
    (tmp_path / "celeryconfig.py").write_text(
        'beat_schedule = {"purge": {"task": "revisions.prune"}}\n'
    )
    completed = flake8("celeryconfig.py", cwd=tmp_path)
    assert completed.stdout == (
        "celeryconfig.py:1:36: TSK005 enqueued task type 'revisions.prune' is "
        "not in the registry - did you mean 'revisions.purge'?\n"
    )


def test_malformed_schedule_stops_flake8(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(HANDLERS)
    completed = flake8("--taskspec-schedules", "conf.beat", "jobs.py", cwd=tmp_path)
    assert completed.stderr == (
        "taskspec-schedules (conf.beat): invalid name, write the variable or "
        "attribute that contains the schedule, for example beat_schedule\n"
    )
    assert completed.returncode == 1


def test_malformed_pattern_stops_flake8(tmp_path: Path) -> None:
    (tmp_path / "jobs.py").write_text(HANDLERS)
    completed = flake8(
        "--taskspec-enqueuers", "*.send_task,send_task", "jobs.py", cwd=tmp_path
    )
    assert completed.stderr == (
        "taskspec-enqueuers (send_task): invalid pattern, write module.callable "
        "or *.method, optionally followed by :keyword, for example "
        "celery.shared_task:name\n"
    )
    assert completed.returncode == 1


# Editors send the buffer on stdin; these must keep positions right.
EDITOR_SOURCES = [
    pytest.param(HANDLERS.replace("\n", "\r\n"), "4:10", id="crlf"),
    pytest.param("\ufeff" + HANDLERS, "4:10", id="bom"),
    pytest.param(
        HANDLERS.replace(
            '@handler("email.sned")', 'x = "ünïcödé✓"; handler("email.sned")(print)'
        ),
        "4:25",
        id="non-ascii-before",
    ),
    pytest.param(
        HANDLERS.replace(
            '@handler("email.sned")', 'x = "🐍🐍"; handler("email.sned")(print)'
        ),
        "4:19",
        id="astral-characters-before",
    ),
    pytest.param(
        "from registry import handle\n\n\nif True:\n\thandle('email.sned', print)\n",
        "5:9",
        id="tab-indent",
    ),
    pytest.param(
        "from registry import handle\n\f\n\nhandle('email.sned', print)\n",
        "4:8",
        id="form-feed",
    ),
    pytest.param(
        "from registry import handle\n\n\n\fhandle('email.sned', print)\n",
        "4:9",
        id="form-feed-before-name",
    ),
]


@pytest.mark.parametrize(("source", "position"), EDITOR_SOURCES)
def test_stdin_positions(tmp_path: Path, source: str, position: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "TSK", "-"],
        cwd=tmp_path,
        input=source.encode("utf-8"),
        capture_output=True,
        timeout=120,
    )
    assert completed.stdout.decode() == f"stdin:{position}: {SNED}\n"


@pytest.mark.parametrize(("source", "position"), EDITOR_SOURCES)
def test_file_positions(tmp_path: Path, source: str, position: str) -> None:
    (tmp_path / "jobs.py").write_bytes(source.encode("utf-8"))
    completed = flake8("jobs.py", cwd=tmp_path)
    assert completed.stdout == f"jobs.py:{position}: {SNED}\n"


def test_latin1_coding_declaration(tmp_path: Path) -> None:
    source = (
        "# -*- coding: latin-1 -*-\n"
        "from registry import handle\n"
        "\n"
        'x = "café"; handle("email.sned", print)\n'
    )
    (tmp_path / "jobs.py").write_bytes(source.encode("latin-1"))
    completed = flake8("jobs.py", cwd=tmp_path)
    assert completed.stdout == f"jobs.py:4:20: {SNED}\n"
