"""Profile the checker with cProfile and print the top functions by cumulative time.

Usage (inside the environment that has flake8-taskspec installed):
    .bench/with/bin/python bench/profile_checker.py CORPUS [--top 15]
    .bench/with/bin/python bench/profile_checker.py --whole-run PATH [--top 15]

Without ``--whole-run`` it runs ``TaskSpecChecker(...).run()`` once on every
file of CORPUS, as checker_timing.py times it: the ast of each file, the
registry read and the libcst import happen before profiling starts.

With ``--whole-run`` it profiles a whole ``flake8 --isolated --jobs 1 PATH``
run in this process, start-up included, and lists only the functions of
flake8_taskspec and libcst, so the checker's share of the run shows.
cProfile slows pure-Python code far more than libcst's native parser,
so the Python parts look larger than they are.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
from pathlib import Path
from typing import List, Union

CHECKER_FILES = r"flake8_taskspec|libcst"

# The checker and libcst are imported inside the functions below, because
# a whole run must pay for their import inside the profile, as flake8 does.


def profile_checker(corpus: Path) -> pstats.Stats:
    from checker_timing import load_corpus, read_options

    from flake8_taskspec.plugin import TaskSpecChecker

    files = load_corpus(corpus)
    read_options()

    def check_all() -> int:
        findings = 0
        for item in files:
            checker = TaskSpecChecker(item.tree, item.lines, item.filename)
            findings += len(list(checker.run()))
        return findings

    profiler = cProfile.Profile()
    profiler.runcall(check_all)
    return pstats.Stats(profiler, stream=sys.stdout)


def profile_whole_run(path: Path) -> pstats.Stats:
    from flake8.main import cli

    argv = ["--isolated", "--jobs", "1", "--output-file", os.devnull, str(path)]
    profiler = cProfile.Profile()
    profiler.runcall(cli.main, argv)
    return pstats.Stats(profiler, stream=sys.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="folder or file to check")
    parser.add_argument(
        "--whole-run",
        action="store_true",
        help="profile a whole flake8 run and list only checker and libcst functions",
    )
    parser.add_argument("--top", type=int, default=15, help="functions to print")
    arguments = parser.parse_args()
    if arguments.whole_run:
        stats = profile_whole_run(arguments.path)
        restrictions: List[Union[str, int]] = [CHECKER_FILES, arguments.top]
    else:
        stats = profile_checker(arguments.path)
        restrictions = [arguments.top]
    stats.sort_stats(pstats.SortKey.CUMULATIVE).print_stats(*restrictions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
