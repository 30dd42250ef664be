"""Create a virtual environment for the README commands and install the project.

The test environment contains an editable install with the ``test`` extra and
is reinstalled only when pyproject.toml changes. The demo environment gets
a regular install, as a user would, redone on every run so that it always
holds the current source.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bin_path(env: Path, name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return env / folder / name


def test_env() -> Path:
    """Return the test environment's folder, installing what is missing."""
    env = ROOT / ".venv"
    stamp = env / ".flake8-taskspec-install"
    _create(env)
    key = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != key:
        _pip(env, "install", "--upgrade", "pip")
        _pip(env, "install", "--editable", ".[test]")
        stamp.write_text(key)
    return env


def demo_env() -> Path:
    """Return the demo environment's folder with the current source installed."""
    env = ROOT / ".venv-demo"
    _create(env)
    _pip(env, "install", ".")
    return env


def _create(env: Path) -> None:
    if not bin_path(env, "python").exists():
        print(f"creating virtual environment {env.name}/", flush=True)
        venv.EnvBuilder(with_pip=True).create(env)


def _pip(env: Path, *arguments: str) -> None:
    command = [str(bin_path(env, "python")), "-m", "pip", "--quiet", *arguments]
    print("$", "pip", *arguments, flush=True)
    completed = subprocess.run(command, cwd=ROOT)
    if completed.returncode != 0:
        sys.exit(f"pip failed with exit code {completed.returncode}: {command}")
