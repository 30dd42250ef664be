"""Check a list of real Python files with the plugin and with check_source.

test_real_file_sweep.py starts two of these, each with its half of the
files, so that the sweep uses both cores. Usage:

    python sweep_worker.py FILES_JSON RESULT_JSON

FILES_JSON contains ``[[path, full], ...]``. Every file goes through the
plugin's ``run()``, which stops at the cheap pre-check for most of them,
and the files with ``full`` true also go through ``check_source``, the
full libcst path. RESULT_JSON receives the counts and every finding,
exception and slow file, for the test to judge.
"""

from __future__ import annotations

import ast
import io
import json
import sys
import time
import tokenize
import warnings
from typing import Any, Dict, List, Optional, Tuple

from flake8_taskspec.checker import check_source
from flake8_taskspec.options import SHIPPED_REGISTRY
from flake8_taskspec.patterns import SHIPPED_PATTERNS, PatternSet
from flake8_taskspec.plugin import TaskSpecChecker
from flake8_taskspec.registry_index import read_registry


class SweepChecker(TaskSpecChecker):
    registry = read_registry(SHIPPED_REGISTRY)
    patterns = PatternSet(SHIPPED_PATTERNS)


def flake8_lines(data: bytes) -> List[str]:
    """Decode a file and split it into lines the way flake8 reads it."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        text = io.TextIOWrapper(io.BytesIO(data), encoding).read()
    except (LookupError, SyntaxError, UnicodeError):
        text = io.TextIOWrapper(io.BytesIO(data), "latin-1").read()
    lines = io.StringIO(text).readlines()
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    return lines


def parse(text: str) -> Optional[ast.AST]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return None


def longest_concatenation(text: str) -> int:
    """Return the maximum number of literals in one implicit concatenation."""
    longest = run = 0
    # Line breaks inside brackets and comments do not end a concatenation.
    between_parts = {tokenize.NL, tokenize.COMMENT}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING:
                run += 1
                longest = max(longest, run)
            elif token.type not in between_parts:
                run = 0
    except (tokenize.TokenError, SyntaxError):
        pass
    return longest


def outside(line: int, column: int, lines: List[str]) -> bool:
    if not 1 <= line <= len(lines):
        return True
    return not 0 <= column <= len(lines[line - 1].rstrip("\n"))


def run_checker(
    path_name: str, path: str, text: str, lines: List[str], tree: ast.AST
) -> List[Tuple[int, int, str]]:
    """Run one of the two paths, turning an exception into a pseudo-finding."""
    try:
        if path_name == "plugin":
            plugin = SweepChecker(tree, lines, path)
            return [
                (line, column, message) for line, column, message, _ in plugin.run()
            ]
        findings = check_source(
            text, tree, SweepChecker.registry, SweepChecker.patterns
        )
        return [(f.line, f.column, f.message) for f in findings]
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # noqa: B036 - pyo3 panics are BaseException
        return [(0, 0, f"exception {type(error).__name__}: {error}")]


def check_file(path: str, full: bool, result: Dict[str, Any]) -> None:
    try:
        with open(path, "rb") as source_file:
            data = source_file.read()
    except OSError as error:
        result["unreadable"].append([path, str(error)])
        return
    lines = flake8_lines(data)
    text = "".join(lines)
    tree = parse(text)
    if tree is None:
        result["rejected_by_ast"] += 1
        return
    for path_name in ("plugin", "check_source") if full else ("plugin",):
        started = time.perf_counter()
        findings = run_checker(path_name, path, text, lines, tree)
        seconds = time.perf_counter() - started
        result["checked"][path_name] += 1
        result["seconds"][path_name] += seconds
        result["slowest"].append([seconds, path_name, path])
        for line, column, message in findings:
            record = {
                "file": path,
                "path": path_name,
                "line": line,
                "column": column,
                "message": message,
                "outside": not message.startswith("exception")
                and outside(line, column, lines),
            }
            if "RecursionError" in message:
                record["longest_concatenation"] = longest_concatenation(text)
            result["findings"].append(record)


def main() -> int:
    files_json, result_json = sys.argv[1:3]
    with open(files_json, encoding="utf-8") as files_file:
        files = json.load(files_file)
    result: Dict[str, Any] = {
        "files": len(files),
        "unreadable": [],
        "rejected_by_ast": 0,
        "checked": {"plugin": 0, "check_source": 0},
        "seconds": {"plugin": 0.0, "check_source": 0.0},
        "slowest": [],
        "findings": [],
    }
    for path, full in files:
        check_file(path, full, result)
    result["slowest"] = sorted(result["slowest"], reverse=True)[:3]
    with open(result_json, "w", encoding="utf-8") as result_file:
        json.dump(result, result_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
