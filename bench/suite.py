"""The six measurements, each a ratio of the checker's cost to a baseline.

a-c, e, f run the same flake8 command from both environments in
alternating pairs and report the median of the per-pair ratios, so load
from other processes that changes slowly over the run cancels out within
a pair. d compares the checker with libcst's parse in one process and
reports the ratio of the median round totals.

Every flake8 run gets ``--isolated``, so no configuration file around
the corpora changes what it checks.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from corpora import Corpora
from environments import Environment, Environments
from processes import PairedRuns, Run, run_pairs

BENCH_DIR = Path(__file__).resolve().parent
KIB_PER_MIB = 1024


@dataclass(frozen=True)
class Repetitions:
    """How often each measurement repeats."""

    corpus_pairs: int
    """Pairs of the multi-second wall-time runs, a and c."""
    pairs: int
    """Pairs of b and f."""
    small_file_pairs: int
    checker_rounds: int


@dataclass(frozen=True)
class Context:
    environments: Environments
    corpora: Corpora
    repetitions: Repetitions


@dataclass
class Result:
    """One measurement: the ratio, its target and the values behind it.

    ``with_values`` are the checker's numbers and ``without_values`` the
    baseline's; for d the baseline is libcst's parse alone.
    """

    key: str
    title: str
    setup: str
    unit: str
    with_values: List[float]
    without_values: List[float]
    pair_ratios: List[float]
    ratio: float
    ratio_method: str
    target: Optional[float]
    cpu_ratio: Optional[float] = None
    """Median of the per-pair ratios of CPU time, for the flake8 runs."""
    load_average: float = 0.0
    """The 1-minute load average when the measurement started."""
    duration_seconds: float = 0.0
    """Wall time of the whole measurement, warm-up runs included."""
    extra: Dict[str, object] = field(default_factory=dict)

    @property
    def passed(self) -> Optional[bool]:
        if self.target is None:
            return None
        return self.ratio <= self.target


def flake8_commands(
    environments: Environments, *arguments: str
) -> Dict[str, Sequence[str]]:
    """Return the same flake8 command line for both environments."""
    return {
        "with": flake8_argv(environments.with_checker, arguments),
        "without": flake8_argv(environments.without_checker, arguments),
    }


def flake8_argv(env: Environment, arguments: Sequence[str]) -> List[str]:
    return [env.flake8, "--isolated", *arguments]


def paired_result(
    key: str,
    title: str,
    setup: str,
    runs: PairedRuns,
    target: Optional[float],
    memory: bool = False,
) -> Result:
    """Turn paired runs into a Result on wall time or on peak memory."""

    def value(run: Run) -> float:
        return run.max_rss_kib / KIB_PER_MIB if memory else run.seconds

    with_values = [value(run) for run in runs.with_checker]
    without_values = [value(run) for run in runs.without_checker]
    ratios = [w / wo for w, wo in zip(with_values, without_values)]
    cpu_ratios = [
        w.cpu_seconds / wo.cpu_seconds
        for w, wo in zip(runs.with_checker, runs.without_checker)
    ]
    return Result(
        key=key,
        title=title,
        setup=setup,
        unit="MiB" if memory else "s",
        with_values=with_values,
        without_values=without_values,
        pair_ratios=ratios,
        ratio=statistics.median(ratios),
        ratio_method="median of per-pair ratios",
        target=target,
        cpu_ratio=statistics.median(cpu_ratios),
    )


def stdlib_wall_time(context: Context) -> Result:
    commands = flake8_commands(context.environments, "--jobs", "2", ".")
    runs = run_pairs(
        commands, context.corpora.stdlib.path, context.repetitions.corpus_pairs,
        warmup=False,
    )
    return paired_result(
        "a", "flake8 on the stdlib, wall time", "--jobs 2", runs, target=1.02
    )


def stdlib_peak_memory(context: Context) -> Result:
    # One process does all the work with --jobs 1, so its peak is the run's.
    commands = flake8_commands(context.environments, "--jobs", "1", ".")
    runs = run_pairs(
        commands, context.corpora.stdlib.path, context.repetitions.pairs,
        warmup=False,
    )
    return paired_result(
        "b", "flake8 on the stdlib, peak memory (max RSS)", "--jobs 1", runs,
        target=1.10, memory=True,
    )


def mixed_wall_time(context: Context) -> Result:
    commands = flake8_commands(context.environments, "--jobs", "2", ".")
    runs = run_pairs(
        commands, context.corpora.mixed.path, context.repetitions.corpus_pairs,
        warmup=False,
    )
    return paired_result(
        "c", "flake8 on the mixed corpus, wall time", "--jobs 2", runs, target=1.10
    )


def checker_versus_parse(context: Context) -> Result:
    data = run_checker_timing(context)
    findings: List[str] = data["findings"]
    if findings:
        # The generator writes valid registrations only, so a finding is a
        # bug in the generator or a false positive of the checker.
        first_findings = "\n".join(findings[:5])
        raise RuntimeError(
            f"the dense corpus should have no findings, got {len(findings)}:\n"
            f"{first_findings}"
        )

    checker: List[float] = data["checker_seconds"]
    parse: List[float] = data["parse_seconds"]
    return Result(
        key="d",
        title="checker ÷ libcst.parse_module alone, dense corpus",
        setup="in-process, per file",
        unit="s",
        with_values=checker,
        without_values=parse,
        pair_ratios=[c / p for c, p in zip(checker, parse)],
        ratio=statistics.median(checker) / statistics.median(parse),
        ratio_method="ratio of median round totals",
        target=1.25,
        extra={"files": data["files"], "lines": data["lines"]},
    )


def run_checker_timing(context: Context) -> Dict[str, Any]:
    """Run checker_timing.py in the environment that has the checker."""
    command = [
        context.environments.with_checker.python,
        str(BENCH_DIR / "checker_timing.py"),
        str(context.corpora.dense.path),
        str(context.repetitions.checker_rounds),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(
            f"checker_timing.py failed with exit code {completed.returncode}: "
            f"{completed.stderr.strip()[-2000:]}"
        )
    data: Dict[str, Any] = json.loads(completed.stdout)
    return data


def small_file(context: Context) -> Result:
    path = context.corpora.small_file
    commands = flake8_commands(context.environments, path.name)
    runs = run_pairs(commands, path.parent, context.repetitions.small_file_pairs)
    return paired_result(
        "e", "flake8 on one small file without registrations, wall time",
        "default --jobs", runs, target=1.05,
    )


def large_module_on_stdin(context: Context) -> Result:
    path = context.corpora.large_file
    commands = flake8_commands(
        context.environments, "--stdin-display-name", path.name, "-"
    )
    runs = run_pairs(
        commands, path.parent, context.repetitions.pairs, stdin=path
    )
    lines = context.corpora.large_file_lines
    return paired_result(
        "f", f"flake8 on one {lines}-line handler module on stdin, wall time",
        "default --jobs", runs, target=None,
    )


MEASUREMENTS: Dict[str, Callable[[Context], Result]] = {
    "a": stdlib_wall_time,
    "b": stdlib_peak_memory,
    "c": mixed_wall_time,
    "d": checker_versus_parse,
    "e": small_file,
    "f": large_module_on_stdin,
}
