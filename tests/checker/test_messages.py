"""The message table and the README generated from it."""

from __future__ import annotations

import re
from pathlib import Path

from flake8_taskspec.messages import MESSAGES, code_table, quote_names

README = Path(__file__).resolve().parents[2] / "README.md"


def test_codes_well_formed() -> None:
    for message in MESSAGES:
        assert re.fullmatch(r"TSK\d{3}", message.code), message.code


def test_templates_unique() -> None:
    templates = [message.template for message in MESSAGES]
    assert len(templates) == len(set(templates))


def test_readme_code_table_current() -> None:
    assert code_table() in README.read_text(encoding="utf-8"), (
        "README.md code table is stale: run python3 scripts/update_readme.py"
    )


def test_quote_names_one() -> None:
    assert quote_names(("a.b",)) == "'a.b'"


def test_quote_names_several() -> None:
    assert quote_names(("a", "b", "c")) == "'a', 'b' or 'c'"
