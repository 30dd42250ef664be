"""Registrations inserted into real files are found exactly where they are.

The test takes standard library modules and inserts an import of the
registrars. A seeded random generator then inserts registrations and
enqueue calls between top-level statements and before statements of
function, class and other block bodies, indented like those statements.
Registrations of known types must give nothing. Each inserted mistake
must give exactly one finding at the line and column of its task type,
with the exact message, and the file must give nothing else.

The test uses its own small registry, so that edits to the shipped
catalog cannot change the did-you-mean lists below.
"""

from __future__ import annotations

import ast
import random
import re
import sysconfig
import warnings
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import pytest

from flake8_taskspec.patterns import SHIPPED_PATTERNS, PatternSet
from flake8_taskspec.plugin import TaskSpecChecker
from flake8_taskspec.registry_index import read_registry

SEED = 20240607
DEFAULT_FILES, THOROUGH_FILES = 30, 200
DEFAULT_VARIANTS, THOROUGH_VARIANTS = 2, 4
INSERTIONS_PER_VARIANT = 6
# Small enough that libcst checks each file in well under a second.
MIN_FILE_BYTES, MAX_FILE_BYTES = 2_000, 40_000

REGISTRY = """\
from registry import TaskSpec

CATALOG = (
    TaskSpec(type="email.send", queue="default", idempotent=True),
    TaskSpec(type="email.verify", queue="default", idempotent=True),
    TaskSpec(type="report.build", queue="low", idempotent=False),
    TaskSpec(type="report.send", queue="low", idempotent=True),
    TaskSpec(type="search.reindex.post", queue="low", idempotent=True),
    TaskSpec(type="search.reindex.term", queue="low", idempotent=True),
    TaskSpec(type="media.video.transcode", queue="media", idempotent=False),
    TaskSpec(type="billing.invoice.issue", queue="default", idempotent=False),
    TaskSpec(type="cache.warmup", queue="low", idempotent=True),
    TaskSpec(type="audit.archive", queue="low", idempotent=True),
    TaskSpec(type="user.delete", queue="default", idempotent=False),
)
"""
IDEMPOTENT = (
    "email.send",
    "email.verify",
    "report.send",
    "search.reindex.post",
    "search.reindex.term",
    "cache.warmup",
    "audit.archive",
)
NOT_IDEMPOTENT = (
    "report.build",
    "media.video.transcode",
    "billing.invoice.issue",
    "user.delete",
)
# Each misspelling with the did-you-mean list the registry above gives,
# or None when no registered name is close.
MISSPELLINGS: Dict[str, Optional[str]] = {
    "email.sned": "'email.send' or 'email.verify'",
    "email.verfy": "'email.verify' or 'email.send'",
    "report.biuld": "'report.build' or 'report.send'",
    "reprot.send": "'report.send' or 'report.build'",
    "search.reindex.psot": "'search.reindex.post' or 'search.reindex.term'",
    "search.reindx.term": "'search.reindex.term' or 'search.reindex.post'",
    "cache.wramup": "'cache.warmup'",
    "audit.archve": "'audit.archive'",
    "media.video.transcod": "'media.video.transcode'",
    "billing.invoce.issue": "'billing.invoice.issue'",
    "user.delte": "'user.delete'",
    "weekly.digest": None,
    "tsk.unknown": None,
}
# Aliases no standard library module uses, so no local name shadows them.
IMPORT_LINE = (
    "from registry import enqueue as tsk_enqueue, handle as tsk_handle, "
    "handler as tsk_handler\n"
)
# A handler name no file defines, so its compensation cannot be seen here.
ELSEWHERE = "tsk_imported_handler"


def unknown_message(code: str, task_type: str) -> str:
    subject = "enqueued task type" if code == "TSK005" else "task type"
    suggestions = MISSPELLINGS[task_type]
    if suggestions is None:
        fix = "add it to the registry or fix the name"
    else:
        fix = f"did you mean {suggestions}?"
    return f"{code} {subject} {task_type!r} is not in the registry - {fix}"


def missing_compensation(task_type: str, hook_owner: Optional[str]) -> str:
    start = (
        f"TSK002 task type {task_type!r} is not idempotent but its handler has "
        "no compensation - "
    )
    if hook_owner is None:
        return start + (
            "pass compensate=... to the registration or give the handler "
            "class a compensate method"
        )
    return start + (
        f"add compensate=..., an @{hook_owner}.compensate function or a "
        "compensate method"
    )


@dataclass
class Insertion:
    """Lines to insert, where the task type sits, and the expected finding."""

    kind: str
    lines: List[str]
    type_line: int
    type_column: int
    message: Optional[str]


Form = Callable[[str, str, str], Tuple[List[str], int, int]]


def call_form(indent: str, literal: str, target: str) -> Tuple[List[str], int, int]:
    start = f"{indent}tsk_handle("
    return [f"{start}{literal}, {target})\n"], 0, len(start)


def keyword_form(indent: str, literal: str, target: str) -> Tuple[List[str], int, int]:
    start = f"{indent}tsk_handle(task_type="
    return [f"{start}{literal}, target={target})\n"], 0, len(start)


def factory_form(indent: str, literal: str, target: str) -> Tuple[List[str], int, int]:
    start = f"{indent}tsk_handler("
    return [f"{start}{literal})({target})\n"], 0, len(start)


def enqueue_form(indent: str, literal: str, target: str) -> Tuple[List[str], int, int]:
    start = f"{indent}tsk_enqueue("
    return [f"{start}{literal}, {{}})\n"], 0, len(start)


def decorator_lines(
    indent: str, literal: str, name: str, extra: str = ""
) -> Tuple[List[str], int, int]:
    start = f"{indent}@tsk_handler("
    lines = [
        f"{start}{literal}{extra})\n",
        f"{indent}def {name}(payload):\n",
        f"{indent}    return payload\n",
    ]
    return lines, 0, len(start)


class InsertionMaker:
    """Draw insertions for one file variant, keeping registered types unique."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.free_types = list(IDEMPOTENT + NOT_IDEMPOTENT)
        self.rng.shuffle(self.free_types)
        self.functions = 0

    def _quote(self, task_type: str) -> str:
        return self.rng.choice(['"{}"', "'{}'", '"""{}"""', 'r"{}"']).format(task_type)

    def _function_name(self) -> str:
        self.functions += 1
        return f"tsk_injected_{self.functions}"

    def _take(self, candidates: Sequence[str]) -> Optional[str]:
        for task_type in self.free_types:
            if task_type in candidates:
                self.free_types.remove(task_type)
                return task_type
        return None

    def make(self, indent: str) -> Insertion:
        choices = [self._misspelled, self._misspelled_enqueue, self._known_enqueue]
        if any(t in NOT_IDEMPOTENT for t in self.free_types):
            choices += [self._missing_compensation, self._compensated]
        if any(t in IDEMPOTENT for t in self.free_types):
            choices.append(self._known)
        return self.rng.choice(choices)(indent)

    def _misspelled(self, indent: str) -> Insertion:
        task_type = self.rng.choice(sorted(MISSPELLINGS))
        literal = self._quote(task_type)
        forms: List[Form] = [call_form, keyword_form, factory_form]
        if self.rng.random() < 0.4:
            lines, line, column = decorator_lines(
                indent, literal, self._function_name()
            )
        else:
            lines, line, column = self.rng.choice(forms)(indent, literal, ELSEWHERE)
        message = unknown_message("TSK001", task_type)
        return Insertion("misspelled registration", lines, line, column, message)

    def _misspelled_enqueue(self, indent: str) -> Insertion:
        task_type = self.rng.choice(sorted(MISSPELLINGS))
        lines, line, column = enqueue_form(indent, self._quote(task_type), "")
        message = unknown_message("TSK005", task_type)
        return Insertion("misspelled enqueue", lines, line, column, message)

    def _known_enqueue(self, indent: str) -> Insertion:
        task_type = self.rng.choice(IDEMPOTENT + NOT_IDEMPOTENT)
        lines, line, column = enqueue_form(indent, self._quote(task_type), "")
        return Insertion("known enqueue", lines, line, column, None)

    def _missing_compensation(self, indent: str) -> Insertion:
        task_type = self._take(NOT_IDEMPOTENT)
        assert task_type is not None
        literal = self._quote(task_type)
        if self.rng.random() < 0.5:
            name = self._function_name()
            lines, line, column = decorator_lines(indent, literal, name)
            message = missing_compensation(task_type, name)
        else:
            lines, line, column = call_form(indent, literal, "lambda payload: None")
            message = missing_compensation(task_type, None)
        return Insertion("missing compensation", lines, line, column, message)

    def _compensated(self, indent: str) -> Insertion:
        task_type = self._take(NOT_IDEMPOTENT)
        assert task_type is not None
        literal = self._quote(task_type)
        if self.rng.random() < 0.5:
            name = self._function_name()
            extra = f", compensate={ELSEWHERE}"
            lines, line, column = decorator_lines(indent, literal, name, extra)
        else:
            form = self.rng.choice([call_form, keyword_form, factory_form])
            lines, line, column = form(indent, literal, ELSEWHERE)
        return Insertion("compensated registration", lines, line, column, None)

    def _known(self, indent: str) -> Insertion:
        task_type = self._take(IDEMPOTENT)
        assert task_type is not None
        literal = self._quote(task_type)
        if self.rng.random() < 0.4:
            lines, line, column = decorator_lines(
                indent, literal, self._function_name()
            )
        else:
            form = self.rng.choice([call_form, keyword_form, factory_form])
            lines, line, column = form(indent, literal, ELSEWHERE)
        return Insertion("known registration", lines, line, column, None)


LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


@dataclass(frozen=True)
class Place:
    """Before which physical line (1-based) to insert, and with what indent."""

    line: int
    indent: str
    container: str


def statement_start(statement: ast.stmt) -> Tuple[int, int]:
    """Return the line and byte column where a statement's text begins."""
    decorators = getattr(statement, "decorator_list", [])
    if decorators:
        first = min(decorators, key=lambda d: (d.lineno, d.col_offset))
        # The "@" sits before the decorator expression, possibly with spaces.
        return first.lineno, -1
    return statement.lineno, statement.col_offset


def insertion_places(tree: ast.Module, lines: List[str], after: int) -> List[Place]:
    """Return every place before a statement that starts its own line."""
    containers = {
        ast.Module: "module",
        ast.FunctionDef: "function",
        ast.AsyncFunctionDef: "function",
        ast.ClassDef: "class",
    }
    places = []
    for node in ast.walk(tree):
        container = containers.get(type(node), "block")
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if not isinstance(body, list):
                continue
            for statement in body:
                if not isinstance(statement, ast.stmt):
                    continue
                place = place_before(statement, lines, container)
                if place is not None and place.line > after:
                    places.append(place)
    return sorted(set(places), key=lambda place: place.line)


def place_before(
    statement: ast.stmt, lines: List[str], container: str
) -> Optional[Place]:
    line, column = statement_start(statement)
    text = lines[line - 1]
    stripped = text.lstrip(" \t\f")
    indent = text[: len(text) - len(stripped)]
    if column == -1:
        if not stripped.startswith("@"):
            return None
    elif re.match(r"elif\b", stripped):
        # ast places the If of an elif branch at the elif keyword.
        return None
    elif len(indent.encode("utf-8")) != column:
        # Another statement or an open bracket comes first on this line.
        return None
    if line > 1 and lines[line - 2].rstrip("\r\n").endswith("\\"):
        return None
    return Place(line, indent, container)


def parse(source: str) -> Optional[ast.Module]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source)
        except (SyntaxError, ValueError):
            return None


def import_line_number(tree: ast.Module, lines: List[str]) -> Optional[int]:
    """Return the line before which the import fits: after docstring and futures."""
    for statement in tree.body:
        is_docstring = (
            statement is tree.body[0]
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        )
        is_future = (
            isinstance(statement, ast.ImportFrom) and statement.module == "__future__"
        )
        if is_docstring or is_future:
            continue
        place = place_before(statement, lines, "module")
        return place.line if place is not None and place.indent == "" else None
    return None


def chosen_files(count: int) -> List[Path]:
    """Return ``count`` standard library modules, the same ones every run."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    candidates = []
    for path in stdlib.rglob("*.py"):
        relative = path.relative_to(stdlib).as_posix()
        if relative.split("/")[0] in ("site-packages", "dist-packages", "test"):
            continue
        if "/test" in relative or "tsk_" in path.read_text("latin-1"):
            continue
        if MIN_FILE_BYTES <= path.stat().st_size <= MAX_FILE_BYTES:
            candidates.append((zlib.crc32(relative.encode("utf-8")), relative, path))
    return [path for _, _, path in sorted(candidates)[:count]]


@pytest.fixture(scope="module")
def injection_checker(tmp_path_factory: pytest.TempPathFactory) -> type:
    registry_file = tmp_path_factory.mktemp("injection") / "specs.py"
    registry_file.write_text(REGISTRY)

    class InjectionChecker(TaskSpecChecker):
        registry = read_registry(str(registry_file))
        patterns = PatternSet(SHIPPED_PATTERNS)

    return InjectionChecker


def build_variant(
    lines: List[str], import_line: int, places: List[Place], maker: InsertionMaker
) -> Tuple[str, List[Tuple[int, int, str]], List[Insertion]]:
    """Insert the import and one insertion before each place, in line order."""
    by_line: Dict[int, List[Tuple[Place, Insertion]]] = {}
    inserted = []
    for place in places:
        insertion = maker.make(place.indent)
        by_line.setdefault(place.line, []).append((place, insertion))
        inserted.append(insertion)
    output: List[str] = []
    expected = []
    for number, text in enumerate(lines, start=1):
        if number == import_line:
            output.append(IMPORT_LINE)
        for _, insertion in by_line.get(number, []):
            if insertion.message is not None:
                line = len(output) + 1 + insertion.type_line
                expected.append((line, insertion.type_column, insertion.message))
            output.extend(insertion.lines)
        output.append(text)
    return "".join(output), sorted(expected), inserted


def test_injected_registrations(
    injection_checker: type, run_plugin, format_findings, report, thorough_mode: bool
) -> None:
    rng = random.Random(SEED)
    files = chosen_files(THOROUGH_FILES if thorough_mode else DEFAULT_FILES)
    variants = THOROUGH_VARIANTS if thorough_mode else DEFAULT_VARIANTS
    counts: Counter = Counter()
    failures = []
    for path in files:
        source = path.read_text(encoding="utf-8", errors="surrogateescape")
        tree = parse(source)
        lines = LINE.findall(source)
        import_line = None if tree is None else import_line_number(tree, lines)
        if tree is None or import_line is None:
            counts["files skipped"] += 1
            continue
        baseline = "".join(
            lines[: import_line - 1] + [IMPORT_LINE] + lines[import_line - 1 :]
        )
        if run_plugin(baseline, checker=injection_checker) != []:
            counts["files skipped"] += 1
            continue
        counts["files"] += 1
        all_places = insertion_places(tree, lines, import_line - 1)
        for _ in range(variants):
            count = min(INSERTIONS_PER_VARIANT, len(all_places))
            places = sorted(rng.sample(all_places, count), key=lambda p: p.line)
            program, expected, inserted = build_variant(
                lines, import_line, places, InsertionMaker(rng)
            )
            assert parse(program) is not None, f"invalid insertion into {path}"
            found = run_plugin(program, checker=injection_checker)
            for insertion, place in zip(inserted, places):
                counts[f"inserted {insertion.kind}"] += 1
                counts[f"place {place.container}"] += 1
            counts["mistakes injected"] += len(expected)
            counts["mistakes found"] += len(set(expected) & set(found))
            if sorted(found) != expected:
                failures.append(
                    f"{path}:\n  expected {format_findings(expected)}\n"
                    f"  found    {format_findings(sorted(found))}"
                )
    described = ", ".join(f"{key}: {value}" for key, value in sorted(counts.items()))
    report(f"injection: {described}")
    assert counts["files"] >= len(files) * 0.8
    assert failures == [], "\n".join(failures)
    assert counts["mistakes found"] == counts["mistakes injected"] > 0
