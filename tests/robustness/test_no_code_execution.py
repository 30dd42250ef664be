"""Linting never runs the code of the registry or of the checked files.

The registry and the handler module below write a marker file when
imported. The first test lints them with real flake8 and checks that no
marker appears. The second runs the plugin in a fresh interpreter under an
audit hook (PEP 578) and a wrapper of ``builtins.compile``, which together
show that the plugin, while it reads the registry and checks the files:

- imports none of them (no ``import`` event for their names or paths);
- executes no code object compiled from them, nor any code from a string
  (every ``exec`` event runs a library module from a real file);
- compiles their text only to an ast (every ``compile()`` call on their
  file names has the ``PyCF_ONLY_AST`` flag, and the ``compile`` audit
  events for those files, which ``ast.parse`` raises too, are exactly
  those calls);
- starts no process and opens none of their files for writing.

The hook records the events of one interpreter only, so the in-process
test says nothing about flake8's own code. The marker test covers a whole
flake8 run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

TSK001 = (
    "TSK001 task type 'report.sned' is not in the registry - "
    "did you mean 'report.send' or 'report.build'?"
)
TSK103 = (
    "TSK103 task type 'report.build' has max_retry -1 - use 0 for no retries "
    "or a positive count"
)


# Written into every file of the project, so that any compilation of their
# text shows up in the audit, whatever file name it is given.
TOKEN = "robustness-audit-token"


def marker_code(marker: Path) -> str:
    return f'# {TOKEN}\nopen({str(marker)!r}, "w").write("imported")\n'


def build_project(root: Path) -> Dict[str, Path]:
    """Write a registry package and a handler module that leave markers."""
    markers = {name: root / f"marker_{name}" for name in ("package", "specs", "jobs")}
    registry = root / "myreg"
    registry.mkdir()
    (registry / "__init__.py").write_text(
        marker_code(markers["package"]) + "from .specs import CATALOG\n"
    )
    (registry / "specs.py").write_text(
        marker_code(markers["specs"])
        + "CATALOG = (\n"
        + '    TaskSpec(type="report.send", idempotent=True),\n'
        + '    TaskSpec(type="report.build", idempotent=True, max_retry=-1),\n'
        + ")\n"
    )
    app = root / "app"
    app.mkdir()
    (app / "jobs.py").write_text(
        "from registry import handler\n"
        + marker_code(markers["jobs"])
        + "\n\n"
        + '@handler("report.sned")\n'
        + "def send(payload):\n"
        + "    pass\n"
    )
    return markers


def test_flake8_leaves_no_marker(tmp_path: Path, run_flake8) -> None:
    markers = build_project(tmp_path)
    completed = run_flake8(
        "--taskspec-registry", "./myreg", "app/jobs.py", "myreg", cwd=tmp_path
    )
    assert completed.stderr == ""
    assert completed.stdout.splitlines() == [
        f"app/jobs.py:6:10: {TSK001}",
        f"myreg/specs.py:5:62: {TSK103}",
    ]
    assert [name for name, marker in markers.items() if marker.exists()] == []


AUDITED_RUN = textwrap.dedent(
    """\
    import ast
    import builtins
    import json
    import os
    import sys

    ROOT = os.path.realpath(sys.argv[1])
    TOKEN = sys.argv[2]
    SPAWNS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn",
              "os.spawn", "os.fork", "os.forkpty")
    phase = "setup"
    events = []
    compiles = []


    def inside(path):
        return os.path.realpath(str(path)).startswith(ROOT + os.sep)


    def hook(event, args):
        if phase == "setup":
            return
        if event == "import":
            events.append([phase, event, args[0], str(args[1])])
        elif event == "exec":
            events.append([phase, event, getattr(args[0], "co_filename", "?")])
        elif event == "compile":
            events.append([phase, event, str(args[1]), source_kind(args[0])])
        elif event in SPAWNS:
            events.append([phase, event])
        elif event == "open" and isinstance(args[0], (str, bytes)):
            mode = args[1] if isinstance(args[1], str) else "os.open"
            if inside(os.fsdecode(args[0])):
                events.append([phase, event, os.fsdecode(args[0]), mode])


    def source_kind(source):
        if isinstance(source, ast.AST):
            return "ast"
        if isinstance(source, bytes):
            source = source.decode("utf-8", "replace")
        return "project" if isinstance(source, str) and TOKEN in source else "other"


    real_compile = builtins.compile


    def recording_compile(source, filename, mode, flags=0, *rest, **options):
        if phase != "setup":
            only_ast = bool(flags & ast.PyCF_ONLY_AST)
            compiles.append([phase, str(filename), source_kind(source), only_ast])
        return real_compile(source, filename, mode, flags, *rest, **options)


    from flake8_taskspec.patterns import SHIPPED_PATTERNS, PatternSet
    from flake8_taskspec.plugin import TaskSpecChecker
    from flake8_taskspec.registry_index import read_registry

    builtins.compile = recording_compile
    sys.addaudithook(hook)

    phase = "read registry"
    TaskSpecChecker.registry = read_registry(os.path.join(ROOT, "myreg"))
    TaskSpecChecker.patterns = PatternSet(SHIPPED_PATTERNS)
    findings = []
    for name in ("app/jobs.py", "myreg/__init__.py", "myreg/specs.py"):
        path = os.path.join(ROOT, name)
        # What flake8 does before it calls the plugin.
        phase = "flake8 reads " + name
        with open(path, encoding="utf-8") as source_file:
            lines = source_file.readlines()
        tree = ast.parse("".join(lines), filename=path)
        phase = "plugin checks " + name
        checker = TaskSpecChecker(tree, lines, path)
        for line, column, message, _ in checker.run():
            findings.append([name, line, column, message])
    phase = "setup"
    print(json.dumps({"events": events, "compiles": compiles, "findings": findings}))
    """
)


def run_audited(root: Path) -> Dict[str, List[List[object]]]:
    completed = subprocess.run(
        [sys.executable, "-c", AUDITED_RUN, str(root), TOKEN],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_plugin_imports_and_executes_nothing(tmp_path: Path) -> None:
    markers = build_project(tmp_path)
    root = str(tmp_path.resolve())
    result = run_audited(tmp_path)
    events, compiles = result["events"], result["compiles"]

    def under_root(path: object) -> bool:
        return str(path).startswith(root)

    assert result["findings"] == [
        ["app/jobs.py", 6, 9, TSK001],
        ["myreg/specs.py", 5, 61, TSK103],
    ]
    plugin_events = [event for event in events if not event[0].startswith("flake8")]
    own_names = {"myreg", "myreg.specs", "specs", "jobs", "app", "app.jobs"}
    imports = [e for e in plugin_events if e[1] == "import"]
    assert [e for e in imports if e[2] in own_names or under_root(e[3])] == []
    executed = [e for e in plugin_events if e[1] == "exec"]
    assert [e for e in executed if under_root(e[2])] == []
    # Every compilation of the project's text, under any file name, is a
    # compile() call that builds an ast. Libraries such as dataclasses
    # compile text they generate themselves, which counts as "other".
    project_compiles = sorted(
        [c[0], c[1]] for c in compiles if c[2] == "project" and c[3]
    )
    audited_project = sorted(
        [e[0], e[2]] for e in events if e[1] == "compile" and e[3] == "project"
    )
    assert audited_project == project_compiles
    # The audit did see the registry being read: the file with the entries,
    # parsed to an ast.
    read_files = [Path(c[1]).name for c in project_compiles if c[0] == "read registry"]
    assert "specs.py" in read_files
    assert [c for c in compiles if c[2] == "project" and not c[3]] == []
    assert [e for e in plugin_events if e[1] == "compile" and e[3] == "ast"] == []
    others = [
        e for e in plugin_events if e[1] not in ("import", "exec", "compile", "open")
    ]
    assert others == []
    writes = [e for e in events if e[1] == "open" and e[3] not in ("r", "rb")]
    assert writes == []
    assert [name for name, marker in markers.items() if marker.exists()] == []
