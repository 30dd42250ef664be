"""Regenerate the code table in README.md from the checker's message table.

Usage: python3 scripts/update_readme.py
The test suite fails when the README's table is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flake8_taskspec.messages import code_table  # noqa: E402

BEGIN = "<!-- codes:begin -->\n"
END = "<!-- codes:end -->\n"


def render(readme: str) -> str:
    start = readme.index(BEGIN) + len(BEGIN)
    stop = readme.index(END)
    return readme[:start] + code_table() + readme[stop:]


def main() -> None:
    path = ROOT / "README.md"
    path.write_text(render(path.read_text()))


if __name__ == "__main__":
    main()
