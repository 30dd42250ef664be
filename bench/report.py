"""Print the results as a Markdown table with the machine, and save them as JSON.

The table is the one BENCHMARK.md records, so a run's output can be
pasted there as it is.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import statistics
import subprocess
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from corpora import Corpora
from environments import ROOT, Environments
from suite import Result


def cpu_model() -> str:
    """Return the first ``model name`` of /proc/cpuinfo, or the platform's guess."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_revision() -> str:
    """Return the checked-out commit, marked ``-dirty`` with local changes."""
    try:
        completed = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )
    except OSError:
        return "unknown"
    return completed.stdout.strip() or "unknown"


def machine_info(environments: Environments) -> Dict[str, str]:
    return {
        "cpu": cpu_model(),
        "cores": str(os.cpu_count()),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(),
        "flake8": environments.versions["flake8"],
        "libcst": environments.versions["libcst"],
        "flake8 --version (with)": environments.flake8_versions["with"],
        "flake8 --version (without)": environments.flake8_versions["without"],
        "commit": git_revision(),
    }


def format_value(value: float, unit: str) -> str:
    if unit == "MiB":
        return f"{value:.1f} MiB"
    return f"{value:.3f} s" if value < 10 else f"{value:.2f} s"


def result_label(passed: Optional[bool]) -> str:
    if passed is None:
        return "no target"
    return "pass" if passed else "MISS"


def results_table(results: Sequence[Result]) -> str:
    header = (
        "| | measurement | setup | ratio | target | result | runs "
        "| with (median) | without (median) | pair ratios min-max "
        "| CPU-time ratio | load |"
    )
    rows = [header, "|---" * header.count("|", 1) + "|"]
    for result in results:
        target = "-" if result.target is None else f"≤ {result.target:.2f}"
        cpu = "-" if result.cpu_ratio is None else f"{result.cpu_ratio:.3f}"
        with_median = statistics.median(result.with_values)
        without_median = statistics.median(result.without_values)
        rows.append(
            f"| {result.key} | {result.title} | {result.setup} "
            f"| **{result.ratio:.3f}** | {target} | {result_label(result.passed)} "
            f"| {len(result.with_values)} "
            f"| {format_value(with_median, result.unit)} "
            f"| {format_value(without_median, result.unit)} "
            f"| {min(result.pair_ratios):.3f}-{max(result.pair_ratios):.3f} "
            f"| {cpu} | {result.load_average:.2f} |"
        )
    return "\n".join(rows)


def corpora_lines(corpora: Corpora, stride: int) -> List[str]:
    stdlib = corpora.stdlib
    dense = corpora.dense
    mixed = corpora.mixed
    small_lines = count_lines(corpora.small_file)
    return [
        (
            f"- stdlib: {stdlib.files} files, {stdlib.lines} lines: 1 in {stride} "
            f"of the {corpora.stdlib_candidates} files outside the test folders "
            f"under {corpora.stdlib_source}, in sorted path order"
        ),
        f"- dense: {dense.files} generated handler modules, {dense.lines} lines",
        (
            f"- mixed: {mixed.files} files, {mixed.lines} lines: the stdlib files "
            f"plus {mixed.files - stdlib.files} generated handler modules"
        ),
        (
            f"- single: {corpora.small_file.name}, {small_lines} lines, and "
            f"{corpora.large_file.name}, {corpora.large_file_lines} lines"
        ),
    ]


def count_lines(path: Path) -> int:
    return path.read_bytes().count(b"\n")


def print_report(
    results: Sequence[Result],
    machine: Dict[str, str],
    run_info: Dict[str, str],
    corpora_summary: List[str],
) -> None:
    print()
    print("## Results")
    print()
    print(results_table(results))
    print()
    print(
        "Ratios are with ÷ without the checker, and for d checker ÷ parse "
        "alone. The CPU-time ratio is user + system time of the flake8 "
        "process and its workers, which other processes on the machine "
        "disturb less than wall time. Load is the 1-minute load average "
        "when the measurement started."
    )
    print()
    for name, value in {**run_info, **machine}.items():
        print(f"- {name}: {value}")
    print()
    print("Corpora:")
    for line in corpora_summary:
        print(line)


def write_json(
    path: Path,
    results: Sequence[Result],
    machine: Dict[str, str],
    run_info: Dict[str, str],
    corpora_summary: List[str],
) -> None:
    """Write everything the printed report has, plus every single value."""
    data = {
        "run": run_info,
        "machine": machine,
        "corpora": corpora_summary,
        "results": [
            {**dataclasses.asdict(result), "passed": result.passed}
            for result in results
        ],
    }
    text = json.dumps(data, indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
