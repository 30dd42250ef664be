"""Time the checker against ``libcst.parse_module`` alone, file by file.

Usage (inside the environment that has flake8-taskspec installed):
    python bench/checker_timing.py CORPUS_DIR ROUNDS

Prints one JSON object: the total seconds of each round for the checker
and for the parse alone, the number of files and lines, and the findings.

libcst's parse is the floor of what the checker can cost on a file that
imports a registrar, so the ratio shows what the rest of the checker (the
pre-check, the visitor, the checks) adds on top. The timed checker call is
what flake8 times for a plugin: ``TaskSpecChecker(tree, lines,
filename).run()`` consumed to the end. The ast, which flake8 builds anyway,
the libcst import and the registry read all happen before the clock starts.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import libcst

from flake8_taskspec.plugin import TaskSpecChecker


@dataclass(frozen=True)
class SourceFile:
    """A file as flake8 hands it to a plugin."""

    filename: str
    lines: List[str]
    source: str
    tree: ast.Module


def load_corpus(folder: Path) -> List[SourceFile]:
    files = []
    for path in sorted(folder.rglob("*.py")):
        # tokenize.open decodes the way flake8 does: coding cookie or UTF-8.
        with tokenize.open(path) as stream:
            lines = stream.readlines()
        source = "".join(lines)
        files.append(SourceFile(str(path), lines, source, ast.parse(source)))
    return files


def read_options() -> None:
    """Read the shipped registry and patterns once, as flake8 does at start-up."""
    options = argparse.Namespace(
        taskspec_registry=None,
        taskspec_registrars=[],
        taskspec_enqueuers=[],
        taskspec_schedules=[],
        # Read only when the registry has problems, to find them in this run.
        filenames=[],
        stdin_display_name="stdin",
        filename=["*.py"],
        exclude=[],
        extend_exclude=[],
    )
    TaskSpecChecker.parse_options(options)


def time_checker(item: SourceFile) -> Tuple[float, List[str]]:
    """Return the seconds of one full checker run and its findings."""
    start = time.perf_counter()
    results = list(TaskSpecChecker(item.tree, item.lines, item.filename).run())
    seconds = time.perf_counter() - start
    findings = [f"{item.filename}:{line}:{column + 1}: {message}"
                for line, column, message, _ in results]
    return seconds, findings


def time_parse(item: SourceFile) -> float:
    start = time.perf_counter()
    libcst.parse_module(item.source)
    return time.perf_counter() - start


def measure(files: List[SourceFile], rounds: int) -> Dict[str, object]:
    """Time both on every file, alternating which goes first per round."""
    # Untimed runs of both on the first files, so that one-time costs such
    # as the checker's own lazy imports land in neither column.
    for item in files[:3]:
        time_checker(item)
        time_parse(item)
    checker_totals = []
    parse_totals = []
    findings: List[str] = []
    for round_number in range(rounds):
        checker_total = 0.0
        parse_total = 0.0
        findings = []
        for item in files:
            if round_number % 2 == 0:
                seconds, found = time_checker(item)
                parse_total += time_parse(item)
            else:
                parse_total += time_parse(item)
                seconds, found = time_checker(item)
            checker_total += seconds
            findings += found
        checker_totals.append(checker_total)
        parse_totals.append(parse_total)
    return {
        "checker_seconds": checker_totals,
        "parse_seconds": parse_totals,
        "files": len(files),
        "lines": sum(len(item.lines) for item in files),
        "findings": findings,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of .py files")
    parser.add_argument("rounds", type=int, help="passes over the folder")
    arguments = parser.parse_args()
    files = load_corpus(arguments.corpus)
    read_options()
    print(json.dumps(measure(files, arguments.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
