"""Every real Python file of this interpreter passes through the checker.

The files are the standard library (without its site-packages folder) and
the test environment's site-packages. Each file that ``ast`` accepts goes
through the plugin's ``run()``, which stops at the cheap pre-check for
nearly all of them, and through ``check_source``, the full libcst path.
The full path over all of them takes minutes: 4,143 files took about 200
CPU seconds with Python 3.11 on this project's 2-core machine, without
coverage. The default mode therefore sends a fixed sample of one file in
SAMPLE_EVERY through it, and the thorough mode (TASKSPEC_EXAMPLES set)
sends every file. Two worker processes share the files.

No file may raise or get a finding other than TSK901 (libcst cannot parse
a file that Python accepts) or TSK903 (nested too deep). TSK902 means the
checker failed, which is a bug.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import time
import zlib
from pathlib import Path
from typing import Any, Dict, List, Tuple

SAMPLE_EVERY = 5
WORKER = Path(__file__).with_name("sweep_worker.py")
WORKERS = 2
WORKER_TIMEOUT = 3600


def python_files() -> List[Tuple[str, Path]]:
    """Return (label, path) for every .py file of the stdlib and purelib."""
    paths = sysconfig.get_paths()
    stdlib = Path(paths["stdlib"])
    found: Dict[Path, Tuple[str, Path]] = {}
    for path in stdlib.rglob("*.py"):
        relative = path.relative_to(stdlib)
        if relative.parts[0] in ("site-packages", "dist-packages"):
            continue
        found[path.resolve()] = (f"stdlib/{relative.as_posix()}", path)
    purelib = Path(paths["purelib"])
    for path in purelib.rglob("*.py"):
        relative = path.relative_to(purelib).as_posix()
        found.setdefault(path.resolve(), (f"purelib/{relative}", path))
    return sorted(found.values())


def in_sample(label: str) -> bool:
    # A hash of the path, not its place in the list, so that a package
    # added to the environment does not reshuffle the whole sample.
    return zlib.crc32(label.encode("utf-8")) % SAMPLE_EVERY == 0


def run_workers(
    files: List[List[Any]], folder: Path
) -> Tuple[List[Dict[str, Any]], float]:
    started = time.perf_counter()
    processes = []
    for number in range(WORKERS):
        files_json = folder / f"files_{number}.json"
        result_json = folder / f"result_{number}.json"
        files_json.write_text(json.dumps(files[number::WORKERS]))
        process = subprocess.Popen(
            [sys.executable, str(WORKER), str(files_json), str(result_json)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append((process, result_json))
    results = []
    for process, result_json in processes:
        _, stderr = process.communicate(timeout=WORKER_TIMEOUT)
        assert process.returncode == 0, stderr
        results.append(json.loads(result_json.read_text()))
    return results, time.perf_counter() - started


def classify(findings: List[Dict[str, Any]]) -> Dict[str, List[str]]:
    """Sort the findings into accepted ones and failures."""
    groups: Dict[str, List[str]] = {"accepted": [], "failure": []}
    for record in findings:
        text = (
            f"{record['file']} ({record['path']}) "
            f"{record['line']}:{record['column']}: {record['message']}"
        )
        if "longest_concatenation" in record:
            # libcst nests an implicit concatenation one level per literal.
            text += f" [{record['longest_concatenation']} literals joined]"
        if record["outside"]:
            groups["failure"].append(f"{text} [position outside the file]")
        elif record["message"].startswith(("TSK901", "TSK903")):
            groups["accepted"].append(text)
        else:
            groups["failure"].append(text)
    return groups


def test_real_files_sweep(tmp_path: Path, report, thorough_mode: bool) -> None:
    files = [
        [str(path), thorough_mode or in_sample(label)] for label, path in python_files()
    ]
    assert len(files) > 100, "found too few Python files to sweep"
    results, seconds = run_workers(files, tmp_path)

    def total(key: str, path_name: str = "") -> float:
        if path_name:
            return sum(result[key][path_name] for result in results)
        return sum(result[key] for result in results)

    findings = [record for result in results for record in result["findings"]]
    groups = classify(findings)
    slowest = sorted(
        (entry for result in results for entry in result["slowest"]), reverse=True
    )[:3]
    report(
        f"sweep: {total('files')} files found, "
        f"{total('rejected_by_ast')} rejected by ast, "
        f"{total('checked', 'plugin'):.0f} checked through run() "
        f"({total('seconds', 'plugin'):.1f} s), "
        f"{total('checked', 'check_source'):.0f} through check_source "
        f"({total('seconds', 'check_source'):.1f} s), "
        f"{seconds:.1f} s wall time with {WORKERS} workers"
    )
    report("sweep slowest: " + "; ".join(f"{s:.1f} s {p} {f}" for s, p, f in slowest))
    for text in groups["accepted"]:
        report(f"sweep accepted: {text}")
    unreadable = [entry for result in results for entry in result["unreadable"]]
    assert unreadable == []
    assert groups["failure"] == [], "\n".join(groups["failure"])
