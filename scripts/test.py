"""Run the whole test suite with coverage in the project's virtual environment.

Usage: python3 scripts/test.py [pytest arguments]
"""

from __future__ import annotations

import subprocess
import sys

from project_env import ROOT, bin_path, test_env


def main() -> int:
    python = bin_path(test_env(), "python")
    command = [
        str(python),
        "-m",
        "pytest",
        "--cov",
        "--cov-report=term-missing",
        *sys.argv[1:],
    ]
    return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
