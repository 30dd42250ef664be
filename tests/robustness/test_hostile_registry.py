"""Broken registries stop real flake8 with one clear line, never a traceback.

Each case builds a registry in a temporary folder, points
``--taskspec-registry`` at it and checks a handler module that does not
belong to the registry. Every registry problem must therefore stop flake8
at start-up with exit code 1, nothing on stdout, and exactly the expected
message on stderr.
"""

from __future__ import annotations

import ast
import os
import sys
import textwrap
from pathlib import Path
from typing import Callable, List, NamedTuple

import pytest

from flake8_taskspec.patterns import SHIPPED_PATTERNS, PatternSet
from flake8_taskspec.plugin import TaskSpecChecker
from flake8_taskspec.registry_index import read_registry

HANDLERS = textwrap.dedent(
    """\
    from registry import handler


    @handler("report.sned")
    def send(payload):
        pass
    """
)
SNED = (
    "TSK001 task type 'report.sned' is not in the registry - "
    "did you mean 'report.send'?"
)
ENTRY = 'TaskSpec(type="report.send", queue="default", idempotent=True)'
GOOD_REGISTRY = f"CATALOG = ({ENTRY},)\n"
FIX_PATH = "set --taskspec-registry to a registry module or package folder"


class BrokenRegistry(NamedTuple):
    name: str
    # Creates the registry under the folder and returns the option value.
    build: Callable[[Path], str]
    # The stderr line without its newline; {tmp} is the temporary folder.
    message: Callable[[Path], str]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def prefix(tmp: Path, name: str) -> str:
    return f"taskspec-registry ({tmp / name}): "


def missing(tmp: Path) -> str:
    return "./nowhere"


def empty_folder(tmp: Path) -> str:
    write(tmp / "tasks" / "README.txt", "no Python here\n")
    return "./tasks"


def syntax_error(tmp: Path) -> str:
    write(tmp / "tasks.py", f"CATALOG = ({ENTRY},)\nx = = 1\n")
    return "./tasks.py"


def no_entries(tmp: Path) -> str:
    write(tmp / "tasks.py", "CATALOG = ()\n")
    return "./tasks.py"


def non_literal_type(tmp: Path) -> str:
    write(
        tmp / "tasks.py",
        'PREFIX = "report"\n'
        'CATALOG = (TaskSpec(type=PREFIX + ".send", idempotent=True),)\n',
    )
    return "./tasks.py"


def non_literal_flag(tmp: Path) -> str:
    write(
        tmp / "tasks.py",
        'CATALOG = (TaskSpec(type="report.send", idempotent=SAFE),)\n',
    )
    return "./tasks.py"


def positional_entry(tmp: Path) -> str:
    write(tmp / "tasks.py", 'CATALOG = (TaskSpec("report.send", True),)\n')
    return "./tasks.py"


def duplicate_type(tmp: Path) -> str:
    write(tmp / "tasks.py", f"CATALOG = (\n    {ENTRY},\n    {ENTRY},\n)\n")
    return "./tasks.py"


def queue_not_in_topology(tmp: Path) -> str:
    write(
        tmp / "tasks" / "topology.py",
        'QUEUES = (Queue(name="default"), Queue(name="low"))\n',
    )
    write(
        tmp / "tasks" / "specs.py",
        'CATALOG = (TaskSpec(type="report.send", queue="urgent", idempotent=True),)\n',
    )
    return "./tasks"


def negative_retries(tmp: Path) -> str:
    write(
        tmp / "tasks.py",
        'CATALOG = (TaskSpec(type="report.send", idempotent=True, max_retry=-1),)\n',
    )
    return "./tasks.py"


def not_utf8_first_line(tmp: Path) -> str:
    (tmp / "tasks.py").write_bytes(b'NAME = "caf\xe9"\n' + GOOD_REGISTRY.encode())
    return "./tasks.py"


LATER_LINE_START = GOOD_REGISTRY.encode() + b'\n\nNAME = "caf'


def not_utf8_later_line(tmp: Path) -> str:
    (tmp / "tasks.py").write_bytes(LATER_LINE_START + b'\xe9"\n')
    return "./tasks.py"


def null_byte(tmp: Path) -> str:
    (tmp / "tasks.py").write_bytes(GOOD_REGISTRY.encode() + b"x = 1\x00\n")
    return "./tasks.py"


def symlink_loop(tmp: Path) -> str:
    os.symlink(tmp / "loop_b", tmp / "loop_a")
    os.symlink(tmp / "loop_a", tmp / "loop_b")
    return "./loop_a"


def dangling_symlink(tmp: Path) -> str:
    os.symlink(tmp / "gone.py", tmp / "tasks.py")
    return "./tasks.py"


def fifo(tmp: Path) -> str:
    os.mkfifo(tmp / "tasks.py")
    return "./tasks.py"


def null_byte_message(tmp: Path) -> str:
    path = tmp / "tasks.py"
    try:
        ast.parse("x = 1\x00\n")
    except SyntaxError as error:
        return f"{prefix(tmp, 'tasks.py')}invalid Python: {error.msg} at {path}:1"
    except ValueError as error:
        # Python before 3.11.4 raises ValueError for a null byte.
        return f"{prefix(tmp, 'tasks.py')}invalid Python in {path}: {error}"
    raise AssertionError("Python accepted a null byte")


CASES: List[BrokenRegistry] = [
    BrokenRegistry(
        "missing-path",
        missing,
        lambda tmp: f"{prefix(tmp, 'nowhere')}no such file or folder, {FIX_PATH}",
    ),
    BrokenRegistry(
        "folder-without-python",
        empty_folder,
        lambda tmp: (
            f"{prefix(tmp, 'tasks')}folder contains no Python files, {FIX_PATH}"
        ),
    ),
    BrokenRegistry(
        "syntax-error",
        syntax_error,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}invalid Python: invalid syntax "
            f"at {tmp / 'tasks.py'}:2"
        ),
    ),
    BrokenRegistry(
        "no-entries",
        no_entries,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}no TaskSpec(...) entries found, "
            "declare each task type as TaskSpec(type=..., idempotent=..., ...)"
        ),
    ),
    BrokenRegistry(
        "non-literal-type",
        non_literal_type,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}TaskSpec entry cannot be read "
            "without running it: type is not a string literal - write "
            'type="..." or a module constant bound to a string literal '
            f"at {tmp / 'tasks.py'}:2"
        ),
    ),
    BrokenRegistry(
        "non-literal-flag",
        non_literal_flag,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}TaskSpec entry cannot be read "
            "without running it: idempotent flag of 'report.send' is not True or "
            f"False - write idempotent=True or idempotent=False at {tmp / 'tasks.py'}:1"
        ),
    ),
    BrokenRegistry(
        "positional-entry",
        positional_entry,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}TaskSpec entry cannot be read "
            "without running it: it has positional arguments - write every field "
            f"as a keyword argument at {tmp / 'tasks.py'}:1"
        ),
    ),
    BrokenRegistry(
        "duplicate-type",
        duplicate_type,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}task type 'report.send' is "
            "declared twice, first at line 2 - remove or rename one entry "
            f"at {tmp / 'tasks.py'}:3"
        ),
    ),
    BrokenRegistry(
        "queue-not-in-topology",
        queue_not_in_topology,
        lambda tmp: (
            f"{prefix(tmp, 'tasks')}task type 'report.send' names "
            "queue 'urgent', which is not in the queue topology - use one of "
            "'default' or 'low' or add Queue(name='urgent', ...) "
            f"at {tmp / 'tasks' / 'specs.py'}:1"
        ),
    ),
    BrokenRegistry(
        "negative-retries",
        negative_retries,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}task type 'report.send' has "
            "max_retry -1 - use 0 for no retries or a positive count "
            f"at {tmp / 'tasks.py'}:1"
        ),
    ),
    BrokenRegistry(
        "not-utf8-first-line",
        not_utf8_first_line,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}cannot decode {tmp / 'tasks.py'}: "
            "invalid or missing encoding declaration, save it as UTF-8 or declare "
            "its encoding in a coding comment"
        ),
    ),
    BrokenRegistry(
        "not-utf8-later-line",
        not_utf8_later_line,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}cannot decode {tmp / 'tasks.py'}: "
            "'utf-8' codec can't decode byte 0xe9 in position "
            f"{len(LATER_LINE_START)}: invalid "
            "continuation byte, save it as UTF-8 or declare its encoding in a "
            "coding comment"
        ),
    ),
    BrokenRegistry("null-byte", null_byte, null_byte_message),
    BrokenRegistry(
        "symlink-loop",
        symlink_loop,
        lambda tmp: (
            f"{prefix(tmp, 'loop_a')}symbolic link to nothing (a loop "
            "or a missing target), point --taskspec-registry at the real file or "
            "folder"
        ),
    ),
    BrokenRegistry(
        "dangling-symlink",
        dangling_symlink,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}symbolic link to nothing (a loop "
            "or a missing target), point --taskspec-registry at the real file or "
            "folder"
        ),
    ),
    BrokenRegistry(
        "fifo",
        fifo,
        lambda tmp: (
            f"{prefix(tmp, 'tasks.py')}not a regular file or folder, {FIX_PATH}"
        ),
    ),
]


def start_flake8(tmp_path: Path, run_flake8, value: str):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "jobs.py").write_text(HANDLERS)
    return run_flake8("--taskspec-registry", value, "app/jobs.py", cwd=tmp_path)


@pytest.fixture(scope="module")
def rejected(module_report: List[str]):
    """Count the broken registries that stopped flake8 as expected."""
    names: List[str] = []
    yield names
    module_report.append(
        f"hostile configuration: {len(names)} of {len(CASES)} broken "
        f"registries rejected with the expected message"
    )


@pytest.mark.parametrize("broken", CASES, ids=[case.name for case in CASES])
def test_broken_registry_stops_flake8(
    tmp_path: Path, run_flake8, rejected: List[str], broken: BrokenRegistry
) -> None:
    if broken.name in ("symlink-loop", "dangling-symlink", "fifo"):
        if sys.platform == "win32":
            pytest.skip("needs POSIX links and pipes")
    value = broken.build(tmp_path)
    completed = start_flake8(tmp_path, run_flake8, value)
    assert completed.stderr == broken.message(tmp_path) + "\n"
    assert completed.stdout == ""
    assert completed.returncode == 1
    rejected.append(broken.name)


def test_folder_named_like_a_module(tmp_path: Path, run_flake8) -> None:
    """A folder called tasks.py is a package folder, and it is read as one."""
    write(tmp_path / "tasks.py" / "__init__.py", "")
    write(tmp_path / "tasks.py" / "specs.py", GOOD_REGISTRY)
    completed = start_flake8(tmp_path, run_flake8, "./tasks.py")
    assert completed.stdout == f"app/jobs.py:4:10: {SNED}\n"
    assert completed.stderr == ""
    assert completed.returncode == 1


def test_file_named_like_a_folder(tmp_path: Path, run_flake8) -> None:
    """``tasks/`` naming a file is read as that file.

    flake8 normalizes the option's path, which drops the trailing slash
    before the plugin reads it.
    """
    write(tmp_path / "tasks", GOOD_REGISTRY)
    completed = start_flake8(tmp_path, run_flake8, "./tasks/")
    assert completed.stdout == f"app/jobs.py:4:10: {SNED}\n"
    assert completed.stderr == ""
    assert completed.returncode == 1


def test_link_loop_inside_registry_folder(tmp_path: Path, run_flake8) -> None:
    write(tmp_path / "tasks" / "specs.py", GOOD_REGISTRY)
    os.symlink(tmp_path / "tasks", tmp_path / "tasks" / "again")
    completed = start_flake8(tmp_path, run_flake8, "./tasks")
    assert completed.stdout == f"app/jobs.py:4:10: {SNED}\n"
    assert completed.stderr == ""


DEEP_EXPRESSIONS = {
    "attribute-chain-1200": "settings" + ".value" * 1200,
    "attribute-chain-5000": "settings" + ".value" * 5000,
    "unary-chain-100000": "-" * 100_000 + "1",
}


def python_accepts(source: str) -> bool:
    try:
        ast.parse(source)
    except (SyntaxError, RecursionError, MemoryError):
        return False
    return True


@pytest.mark.parametrize("name", sorted(DEEP_EXPRESSIONS))
def test_deeply_nested_registry(tmp_path: Path, run_flake8, name: str) -> None:
    """A deep registry file works if Python parses it, else stops flake8 cleanly.

    Which of these Python parses depends on its version: CPython 3.11 and
    3.12 reject the 5,000-link chain, 3.9 and 3.13 accept it.
    """
    source = f"{GOOD_REGISTRY}NAME = {DEEP_EXPRESSIONS[name]}\n"
    write(tmp_path / "tasks.py", source)
    completed = start_flake8(tmp_path, run_flake8, "./tasks.py")
    assert "Traceback" not in completed.stderr
    assert completed.returncode == 1
    if python_accepts(source):
        assert completed.stdout == f"app/jobs.py:4:10: {SNED}\n"
        assert completed.stderr == ""
    else:
        path = tmp_path / "tasks.py"
        assert completed.stderr == (
            f"{prefix(tmp_path, 'tasks.py')}{path} nests too deeply for Python "
            "to parse, split its expressions\n"
        )
        assert completed.stdout == ""


def test_deeply_nested_registry_buffer(tmp_path: Path, run_plugin) -> None:
    """A registry file's editor buffer nested 1,200 levels deep is read."""
    registry_file = tmp_path / "tasks.py"
    write(registry_file, GOOD_REGISTRY)

    class BufferChecker(TaskSpecChecker):
        registry = read_registry(str(registry_file))
        patterns = PatternSet(SHIPPED_PATTERNS)

    buffer = f"{GOOD_REGISTRY}NAME = {DEEP_EXPRESSIONS['attribute-chain-1200']}\n"
    assert run_plugin(buffer, str(registry_file), checker=BufferChecker) == []
    duplicate = buffer + f"MORE = ({ENTRY},)\n"
    assert run_plugin(duplicate, str(registry_file), checker=BufferChecker) == [
        (
            3,
            len("MORE = (TaskSpec(type="),
            "TSK102 task type 'report.send' is declared twice, first at line 1 "
            "- remove or rename one entry",
        )
    ]
