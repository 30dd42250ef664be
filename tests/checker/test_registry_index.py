"""Reading a registry statically, and rejecting one that cannot be used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from flake8_taskspec.options import SHIPPED_REGISTRY
from flake8_taskspec.registry_index import RegistryError, read_registry

GOOD_ENTRY = 'TaskSpec(type="report.send", queue="default", idempotent=True)\n'


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def test_shipped_registry_has_catalog() -> None:
    index = read_registry(SHIPPED_REGISTRY)
    assert len(index.entries) == 33
    non_idempotent = sorted(t for t, e in index.entries.items() if not e.idempotent)
    assert non_idempotent == [
        "media.variant.generate",
        "media.video.transcode",
        "migrate.batch.media",
        "migrate.batch.posts",
        "migrate.batch.users",
    ]


def test_shipped_registry_entry_location() -> None:
    entry = read_registry(SHIPPED_REGISTRY).entries["email.send"]
    assert entry.filename == os.path.join(SHIPPED_REGISTRY, "catalog.py")
    with open(entry.filename) as catalog:
        line = catalog.readlines()[entry.line - 1]
    assert 'type="email.send"' in line


def test_module_constant_type(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tasks.py",
        'SEND: str = "report.send"\n'
        'TaskSpec(type=SEND, queue="default", idempotent=True)\n',
    )
    assert list(read_registry(path).entries) == ["report.send"]


def test_package_folder_read_recursively(tmp_path: Path) -> None:
    write(tmp_path, "tasks/__init__.py", "")
    write(tmp_path, "tasks/email.py", GOOD_ENTRY)
    write(
        tmp_path,
        "tasks/media/specs.py",
        'specs.TaskSpec(type="media.crop", queue="media", idempotent=False)\n',
    )
    write(tmp_path, "tasks/__pycache__/stale.py", "this is not Python")
    index = read_registry(str(tmp_path / "tasks"))
    assert sorted(index.entries) == ["media.crop", "report.send"]


def test_folder_symlink_loop_terminates(tmp_path: Path) -> None:
    write(tmp_path, "tasks/specs.py", GOOD_ENTRY)
    os.symlink(tmp_path / "tasks", tmp_path / "tasks" / "loop")
    assert list(read_registry(str(tmp_path / "tasks")).entries) == ["report.send"]


STRUCTURAL = {
    "missing": (
        lambda tmp: str(tmp / "missing.py"),
        "no such file or folder, set --taskspec-registry to a registry module or "
        "package folder",
    ),
    "empty-folder": (
        lambda tmp: _folder(tmp / "empty"),
        "folder contains no Python files, set --taskspec-registry to a registry "
        "module or package folder",
    ),
    "no-entries": (
        lambda tmp: write(tmp, "no_entries.py", "CATALOG = ()\n"),
        "no TaskSpec(...) entries found, declare each task type as "
        "TaskSpec(type=..., idempotent=..., ...)",
    ),
    "device": (
        lambda tmp: os.devnull,
        "not a regular file or folder, set --taskspec-registry to a registry "
        "module or package folder",
    ),
    "link-loop": (
        lambda tmp: _link_loop(tmp),
        "symbolic link to nothing (a loop or a missing target), point "
        "--taskspec-registry at the real file or folder",
    ),
}


def _folder(path: Path) -> str:
    path.mkdir()
    return str(path)


def _link_loop(tmp: Path) -> str:
    os.symlink(tmp / "b.py", tmp / "a.py")
    os.symlink(tmp / "a.py", tmp / "b.py")
    return str(tmp / "a.py")


@pytest.mark.parametrize("case", STRUCTURAL)
def test_unusable_registry_rejected(tmp_path: Path, case: str) -> None:
    make_path, problem = STRUCTURAL[case]
    path = make_path(tmp_path)
    with pytest.raises(RegistryError) as raised:
        read_registry(path)
    assert str(raised.value) == f"taskspec-registry ({path}): {problem}"


def test_syntax_error_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "syntax.py", "TaskSpec(type=\n")
    with pytest.raises(RegistryError) as raised:
        read_registry(path)
    assert str(raised.value) == f"taskspec-registry ({path}): {_syntax_error(path)}"


def test_undecodable_file_rejected(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(b'TaskSpec(type="caf\xe9", queue="low", idempotent=True)\n')
    with pytest.raises(RegistryError) as raised:
        read_registry(str(path))
    assert str(raised.value) == (
        f"taskspec-registry ({path}): cannot decode {path}: invalid or missing "
        "encoding declaration, save it as UTF-8 or declare its encoding in a "
        "coding comment"
    )


def test_latin1_with_coding_comment_read(tmp_path: Path) -> None:
    path = tmp_path / "latin.py"
    path.write_bytes(
        b"# -*- coding: latin-1 -*-\n"
        b'TaskSpec(type="caf\xe9.send", queue="low", idempotent=True)\n'
    )
    assert list(read_registry(str(path)).entries) == ["caf\xe9.send"]


# Each entry problem, with the text a start-up error shows, its line and its
# 0-based column (ast counts UTF-8 bytes).
ENTRY_PROBLEMS = [
    pytest.param(
        'PREFIX = "report"\n'
        'TaskSpec(type=PREFIX + ".send", queue="low", idempotent=True)\n',
        "TaskSpec entry cannot be read without running it: type is not a string "
        'literal - write type="..." or a module constant bound to a string literal',
        (2, 14),
        id="computed-type",
    ),
    pytest.param(
        'TaskSpec("report.send", "low")\n',
        "TaskSpec entry cannot be read without running it: it has positional "
        "arguments - write every field as a keyword argument",
        (1, 0),
        id="positional",
    ),
    pytest.param(
        'FLAG = True\nTaskSpec(type="report.send", queue="low", idempotent=FLAG)\n',
        "TaskSpec entry cannot be read without running it: idempotent flag of "
        "'report.send' is not True or False - write idempotent=True or "
        "idempotent=False",
        (2, 53),
        id="flag-not-literal",
    ),
    pytest.param(
        GOOD_ENTRY + "\n" + GOOD_ENTRY,
        "task type 'report.send' is declared twice, first at line 1 - remove or "
        "rename one entry",
        (3, 14),
        id="duplicate",
    ),
    pytest.param(
        'Queue(name="low", weight=1)\n'
        'TaskSpec(type="report.send", queue="bulk", idempotent=True)\n',
        "task type 'report.send' names queue 'bulk', which is not in the queue "
        "topology - use one of 'low' or add Queue(name='bulk', ...)",
        (2, 14),
        id="queue-not-in-topology",
    ),
    pytest.param(
        'A = "report.send"\nTaskSpec(type=A, queue="low", idempotent=True)\nA = "x"\n',
        "TaskSpec entry cannot be read without running it: type is not a string "
        'literal - write type="..." or a module constant bound to a string literal',
        (2, 14),
        id="rebound-constant",
    ),
    pytest.param(
        'A = "report.send"\n'
        "def build(A):\n"
        '    return TaskSpec(type=A, queue="low", idempotent=True)\n',
        "TaskSpec entry cannot be read without running it: type is not a string "
        'literal - write type="..." or a module constant bound to a string literal',
        (3, 25),
        id="parameter-shadows-constant",
    ),
]


@pytest.mark.parametrize(("text", "problem", "place"), ENTRY_PROBLEMS)
def test_entry_problem_recorded(
    tmp_path: Path, text: str, problem: str, place: tuple
) -> None:
    path = write(tmp_path, "tasks.py", text)
    problems = read_registry(path).problems
    assert [(p.filename, p.line, p.column, p.text) for p in problems] == [
        (path, place[0], place[1], problem)
    ]


def test_chained_constant_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "tasks.py",
        'A = B = "report.send"\nTaskSpec(type=B, queue="low", idempotent=True)\n',
    )
    index = read_registry(path)
    assert list(index.entries) == ["report.send"]
    assert index.problems == []


def _syntax_error(path: str) -> str:
    """Return the message for a file that does not compile, else ``""``.

    The wording of SyntaxError differs between Python versions.
    """
    try:
        compile(Path(path).read_bytes(), path, "exec")
    except SyntaxError as error:
        return f"invalid Python: {error.msg} at {path}:{error.lineno}"
    return ""


def test_dangling_link_in_folder_rejected(tmp_path: Path) -> None:
    write(tmp_path, "tasks/specs.py", GOOD_ENTRY)
    dangling = tmp_path / "tasks" / "gone.py"
    os.symlink(tmp_path / "nowhere.py", dangling)
    with pytest.raises(RegistryError) as raised:
        read_registry(str(tmp_path / "tasks"))
    assert str(raised.value) == (
        f"taskspec-registry ({tmp_path / 'tasks'}): cannot read {dangling}: "
        "No such file or directory, check that the file and the links to it "
        "exist and are readable"
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.py", GOOD_ENTRY)
    os.chmod(path, 0)
    with pytest.raises(RegistryError) as raised:
        read_registry(path)
    assert str(raised.value) == (
        f"taskspec-registry ({path}): cannot read {path}: Permission denied, "
        "check that the file and the links to it exist and are readable"
    )
