"""Time a command and read its peak memory, and run two commands in pairs.

The numbers come from the ``rusage`` that ``os.wait4`` returns for the
child, which on Linux covers the child and every descendant it waited for
(flake8 joins its ``--jobs`` workers). CPU time is their user plus system
time added up. Peak memory is ``ru_maxrss``: the largest resident set size
of any one of those processes, not the sum over the tree.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Dict, List, Optional, Sequence

# flake8 exits with 1 when it reports findings, and the corpora have some.
ACCEPTED_EXIT_CODES = (0, 1)


class CommandFailedError(RuntimeError):
    """A measured command wrote to stderr or exited with an unexpected code."""


@dataclass(frozen=True)
class Run:
    """One run of a command: wall time, CPU time, peak memory, exit code."""

    seconds: float
    cpu_seconds: float
    max_rss_kib: int
    exit_code: int


@dataclass(frozen=True)
class PairedRuns:
    """Runs of the same work with and without the checker, by pair."""

    with_checker: List[Run]
    without_checker: List[Run]


def run_once(command: Sequence[str], cwd: Path, stdin: Optional[Path] = None) -> Run:
    """Run ``command`` with stdout discarded; raise if it fails.

    flake8 reports a crashed plugin with exit code 1, like a finding, so a
    run also fails when it writes anything to stderr.
    """
    with tempfile.TemporaryFile() as errors, _open_stdin(stdin) as input_file:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdin=input_file, stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        # wait4 instead of Popen.wait, because it returns the child's rusage.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", errors="replace").strip()
    if process.returncode not in ACCEPTED_EXIT_CODES or stderr:
        raise CommandFailedError(
            f"{' '.join(command)} (in {cwd}) exited with {process.returncode}: "
            f"{stderr[-2000:]}"
        )
    cpu_seconds = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu_seconds, usage.ru_maxrss, process.returncode)


def _open_stdin(path: Optional[Path]) -> BinaryIO:
    if path is None:
        return open(os.devnull, "rb")
    return open(path, "rb")


def run_pairs(
    commands: Dict[str, Sequence[str]],
    cwd: Path,
    pairs: int,
    stdin: Optional[Path] = None,
    warmup: bool = True,
) -> PairedRuns:
    """Run the ``with`` and ``without`` commands ``pairs`` times each.

    The two alternate which goes first in each pair, so a slow drift in
    machine load or a cache that the first run warms up favours neither.
    With ``warmup``, one unmeasured run of each comes first; the corpora
    skip it because they were just written and are in the page cache.
    """
    order = ("with", "without")
    if warmup:
        for name in order:
            run_once(commands[name], cwd, stdin)
    results: Dict[str, List[Run]] = {name: [] for name in order}
    for pair in range(pairs):
        for name in order if pair % 2 == 0 else order[::-1]:
            results[name].append(run_once(commands[name], cwd, stdin))
    return PairedRuns(results["with"], results["without"])
