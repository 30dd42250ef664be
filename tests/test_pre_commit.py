"""The pre-commit hook, run by real pre-commit on a throw-away repository.

pre-commit installs this project from a snapshot of the working tree into
its own environment, so the test needs the package index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

ROOT = Path(__file__).resolve().parent.parent
CLEAN = (
    "from registry import handler\n\n\n"
    '@handler("email.send")\n'
    "def send(payload):\n"
    "    pass\n"
)
MISSPELLED = CLEAN.replace("email.send", "email.sned")
FINDING = (
    "jobs.py:4:10: TSK001 task type 'email.sned' is not in the registry - "
    "did you mean 'email.send' or 'email.verify'?"
)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(*args: str, cwd: Path, env: Dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture
def git_env(tmp_path: Path) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        # The hook commands run pre-commit from this test's environment.
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]]),
    )
    return env


def snapshot_project(target: Path, env: Dict[str, str]) -> str:
    """Commit the project's working tree to a new repository; return its sha."""
    listed = git(
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        cwd=ROOT,
        env=env,
    )
    target.mkdir()
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target, env=env)
    git("add", "-A", cwd=target, env=env)
    git("commit", "-q", "-m", "snapshot", cwd=target, env=env)
    return git("rev-parse", "HEAD", cwd=target, env=env).stdout.strip()


def test_pre_commit_hook(tmp_path: Path, git_env: Dict[str, str]) -> None:
    project = tmp_path / "project"
    sha = snapshot_project(project, git_env)
    app = tmp_path / "app"
    app.mkdir()
    git("init", "-q", cwd=app, env=git_env)
    (app / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {project}\n"
        f"    rev: {sha}\n"
        "    hooks:\n"
        "      - id: flake8-taskspec\n"
    )
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=app,
        env=git_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert installed.returncode == 0, installed.stderr

    (app / "jobs.py").write_text(CLEAN)
    git("add", "-A", cwd=app, env=git_env)
    clean = git("commit", "-m", "Add the email handler", cwd=app, env=git_env)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    (app / "jobs.py").write_text(MISSPELLED)
    git("add", "-A", cwd=app, env=git_env)
    misspelled = git("commit", "-m", "Rename the task", cwd=app, env=git_env)
    assert misspelled.returncode == 1
    # git sends the output of a hook to stderr.
    assert f"{FINDING}\n" in misspelled.stderr
