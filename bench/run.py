"""Measure what flake8-taskspec adds to flake8, as ratios from one run.

Usage: python3 bench/run.py [--quick] [--only a,c]

It builds .bench/with and .bench/without (virtual environments that
differ only in this project), lays out the corpora under .bench/corpora,
runs the measurements a-f of BENCHMARK.md, prints a table of ratios
against their targets and writes the same to .bench/results.json.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import sys
import time
from dataclasses import dataclass
from typing import List, Tuple

import corpora
import environments
import report
from suite import MEASUREMENTS, Context, Repetitions, Result

BENCH_DIR = environments.ROOT / ".bench"


@dataclass(frozen=True)
class Profile:
    """Corpus sizes and repetitions of a full or a quick run."""

    sizes: corpora.Sizes
    repetitions: Repetitions


# The stdlib stride keeps one flake8 run on that corpus to a few seconds,
# so that the full profile stays within 10 minutes on a 2-core machine
# even when other processes keep both cores busy. On a 2-core Xeon at a
# load average of 4 to 6, it took 7.8 minutes with the setup.
FULL = Profile(
    corpora.Sizes(stdlib_stride=12, dense_files=300),
    Repetitions(corpus_pairs=7, pairs=5, small_file_pairs=15, checker_rounds=5),
)
# A smoke test of every step, in about a minute; its ratios are noisy.
QUICK = Profile(
    corpora.Sizes(stdlib_stride=40, dense_files=30),
    Repetitions(corpus_pairs=2, pairs=2, small_file_pairs=3, checker_rounds=2),
)


def parse_arguments(argv: List[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Measure flake8 with and without flake8-taskspec."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller corpora and fewer runs, to check that everything works",
    )
    parser.add_argument(
        "--only",
        default=",".join(MEASUREMENTS),
        metavar="KEYS",
        help="comma-separated measurements to run, for example a,c (default: all)",
    )
    arguments = parser.parse_args(argv)
    keys = [key.strip() for key in arguments.only.split(",") if key.strip()]
    unknown = [key for key in keys if key not in MEASUREMENTS]
    if unknown or not keys:
        parser.error(
            f"invalid --only {arguments.only!r}: use some of "
            f"{','.join(MEASUREMENTS)}, separated by commas"
        )
    arguments.keys = keys
    return arguments


def main(argv: List[str]) -> int:
    arguments = parse_arguments(argv)
    profile = QUICK if arguments.quick else FULL
    started = time.monotonic()
    load_before = os.getloadavg()
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")

    BENCH_DIR.mkdir(exist_ok=True)
    envs = environments.prepare(BENCH_DIR)
    catalog = environments.read_catalog(envs.with_checker)
    print("building corpora under .bench/corpora", flush=True)
    built = corpora.build(BENCH_DIR / "corpora", profile.sizes, catalog)
    context = Context(envs, built, profile.repetitions)

    results: List[Result] = []
    for key in arguments.keys:
        print(f"measuring {key}", flush=True)
        load = os.getloadavg()[0]
        measure_start = time.monotonic()
        measured = MEASUREMENTS[key](context)
        measured.load_average = load
        measured.duration_seconds = time.monotonic() - measure_start
        print(
            f"  {measured.title}: {measured.ratio:.3f} "
            f"({measured.duration_seconds:.0f} s)",
            flush=True,
        )
        results.append(measured)

    run_info = {
        "command": shlex.join(["python3", "bench/run.py", *argv]),
        "date": date,
        "duration": f"{time.monotonic() - started:.0f} s, including the setup",
        "load average before (1, 5, 15 min)": format_load(load_before),
        "load average after (1, 5, 15 min)": format_load(os.getloadavg()),
    }
    machine = report.machine_info(envs)
    summary = report.corpora_lines(built, profile.sizes.stdlib_stride)
    report.print_report(results, machine, run_info, summary)
    report.write_json(BENCH_DIR / "results.json", results, machine, run_info, summary)
    print("\nwrote .bench/results.json")
    return 0 if all(result.passed is not False for result in results) else 1


def format_load(load: Tuple[float, float, float]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
