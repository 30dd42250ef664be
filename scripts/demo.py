"""Run flake8 with the checker over both example projects and show the result.

Usage: python3 scripts/demo.py
The CMS example must come out clean and the mistakes example must not.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from project_env import ROOT, bin_path, demo_env

EXAMPLES = ("examples/cms_jobs", "examples/mistakes")


def run_flake8(env: Path, folder: str) -> int:
    print(f"\n$ flake8 {folder}", flush=True)
    completed = subprocess.run([str(bin_path(env, "flake8")), folder], cwd=ROOT)
    if completed.returncode == 0:
        print("(no findings)", flush=True)
    return completed.returncode


def main() -> int:
    env = demo_env()
    print("\n$ flake8 --version", flush=True)
    subprocess.run([str(bin_path(env, "flake8")), "--version"], cwd=ROOT)
    clean = run_flake8(env, EXAMPLES[0])
    mistakes = run_flake8(env, EXAMPLES[1])
    if clean != 0 or mistakes == 0:
        print("\ndemo failed: expected findings only in examples/mistakes")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
