"""Lay out the benchmark's corpora under .bench/corpora, the same on every run.

- stdlib: a copy of every n-th ``.py`` file of the running interpreter's
  standard library, in sorted path order, leaving out site-packages and
  the test suites (``test/``, every ``tests/`` folder, ``idlelib/idle_test/``).
  Those test folders hold about half of the standard library's lines and
  would push one flake8 run past what the time budget allows.
- dense: generated handler modules only, so the checker parses every file.
- mixed: the stdlib copy plus generated handler modules that make up
  about 5% of its files, as in a codebase with a jobs package.
- single: one small module without a registration, and one handler module
  of about 1,000 lines, each checked on its own.

Each run deletes and rebuilds the folders, so they always match the
sizes and seed in use.
"""

from __future__ import annotations

import random
import shutil
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

from handler_modules import Catalog, handler_module, plain_module

# Folders of the standard library that hold its test suites.
TEST_FOLDERS = frozenset({"test", "tests", "idle_test"})
HANDLER_SHARE = 0.05
# Line targets of a generated module. The generator stays at or below the
# target and falls short of it by less than one block (about 60 lines),
# so modules get 150 to 400 lines.
DENSE_MIN_TARGET = 210
DENSE_MAX_TARGET = 400
LARGE_MODULE_LINES = 1000
SMALL_MODULE_LINES = 60


@dataclass(frozen=True)
class Sizes:
    """How much of each corpus to build."""

    stdlib_stride: int
    dense_files: int
    seed: int = 20240607


@dataclass(frozen=True)
class Corpus:
    """A folder of ``.py`` files with its file and line counts."""

    path: Path
    files: int
    lines: int


@dataclass(frozen=True)
class Corpora:
    stdlib: Corpus
    dense: Corpus
    mixed: Corpus
    small_file: Path
    large_file: Path
    large_file_lines: int
    stdlib_source: Path
    stdlib_candidates: int


def build(root: Path, sizes: Sizes, catalog: Catalog) -> Corpora:
    """Delete and rebuild every corpus under ``root``."""
    if root.exists():
        shutil.rmtree(root)
    source = Path(sysconfig.get_paths()["stdlib"])
    candidates = sorted(stdlib_files(source))
    chosen = candidates[:: sizes.stdlib_stride]
    stdlib = copy_files(source, chosen, root / "stdlib")

    rng = random.Random(sizes.seed)
    dense = write_handler_modules(rng, catalog, sizes.dense_files, root / "dense")

    mixed_path = root / "mixed"
    shutil.copytree(stdlib.path, mixed_path)
    handler_count = max(1, round(stdlib.files * HANDLER_SHARE / (1 - HANDLER_SHARE)))
    handlers = write_handler_modules(
        rng, catalog, handler_count, mixed_path / "cms_jobs_generated"
    )
    mixed = Corpus(
        mixed_path, stdlib.files + handlers.files, stdlib.lines + handlers.lines
    )

    single = root / "single"
    single.mkdir(parents=True)
    small_file = single / "text_utils.py"
    small_file.write_text(
        plain_module(rng, SMALL_MODULE_LINES, "Text helpers"), encoding="utf-8"
    )
    large_source = handler_module(
        rng, catalog, LARGE_MODULE_LINES, "Every job of the CMS in one module"
    )
    large_file = single / "all_jobs.py"
    large_file.write_text(large_source, encoding="utf-8")
    return Corpora(
        stdlib=stdlib,
        dense=dense,
        mixed=mixed,
        small_file=small_file,
        large_file=large_file,
        large_file_lines=large_source.count("\n"),
        stdlib_source=source,
        stdlib_candidates=len(candidates),
    )


def stdlib_files(source: Path) -> Iterator[Path]:
    """Yield the standard library's ``.py`` files, relative to ``source``."""
    for path in source.rglob("*.py"):
        relative = path.relative_to(source)
        parts = relative.parts
        if parts[0] == "site-packages" or TEST_FOLDERS.intersection(parts[:-1]):
            continue
        yield relative


def copy_files(source: Path, relative_paths: List[Path], target: Path) -> Corpus:
    lines = 0
    for relative in relative_paths:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, destination)
        lines += (source / relative).read_bytes().count(b"\n")
    return Corpus(target, len(relative_paths), lines)


def write_handler_modules(
    rng: random.Random, catalog: Catalog, count: int, target: Path
) -> Corpus:
    """Write ``count`` handler modules of 150-400 lines into ``target``."""
    target.mkdir(parents=True)
    lines = 0
    for number in range(count):
        size = rng.randint(DENSE_MIN_TARGET, DENSE_MAX_TARGET)
        title = f"Background jobs, part {number + 1} of {count}"
        source = handler_module(rng, catalog, size, title)
        (target / f"jobs_{number:03d}.py").write_text(source, encoding="utf-8")
        lines += source.count("\n")
    return Corpus(target, count, lines)
