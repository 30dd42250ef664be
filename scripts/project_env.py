"""Create the project's virtual environment and install the project into it.

Both README commands use it. The install is skipped when pyproject.toml and
the requested extras are unchanged since the last install.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("TASKSPEC_VENV", ROOT / ".venv"))
STAMP = VENV / ".flake8-taskspec-install"


def bin_path(name: str) -> Path:
    folder = "Scripts" if os.name == "nt" else "bin"
    return VENV / folder / name


def ensure_env(extras: str = "") -> Path:
    """Return the venv's Python, creating the venv and installing as needed."""
    python = bin_path("python")
    if not python.exists():
        print(f"creating virtual environment in {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = _install_key(extras)
    if not STAMP.exists() or STAMP.read_text() != wanted:
        target = f".[{extras}]" if extras else "."
        print(f"installing flake8-taskspec{target[1:]} into {VENV}", flush=True)
        _run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        _run(python, "-m", "pip", "install", "--quiet", "--editable", target)
        STAMP.write_text(wanted)
    return python


def _install_key(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} {extras}"


def _run(*command: object) -> None:
    completed = subprocess.run([str(part) for part in command], cwd=ROOT)
    if completed.returncode != 0:
        sys.exit(f"command failed with exit code {completed.returncode}: "
                 + " ".join(str(part) for part in command))
