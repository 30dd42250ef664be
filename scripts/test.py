"""Run the whole test suite with coverage in the project's virtual environment.

Usage: python3 scripts/test.py [pytest arguments]
"""

from __future__ import annotations

import subprocess
import sys

from project_env import ROOT, ensure_env


def main() -> int:
    python = ensure_env(extras="test")
    command = [
        str(python), "-m", "pytest",
        "--cov", "--cov-report=term-missing",
        *sys.argv[1:],
    ]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
