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
    assert "TaskSpec(" in line


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


def broken_registries(tmp_path: Path) -> list:
    """Return (path, expected message) for each way a registry can be broken."""
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [
        (
            str(tmp_path / "missing.py"),
            "no such file or folder, set --taskspec-registry to a registry "
            "module or package folder",
        ),
        (
            str(empty),
            "folder contains no Python files, set --taskspec-registry to a "
            "registry module or package folder",
        ),
    ]
    files = {
        "syntax.py": ("TaskSpec(type=\n", "{syntax_error}"),
        "no_entries.py": (
            "CATALOG = ()\n",
            "no TaskSpec(...) entries found, declare each task type as "
            "TaskSpec(type=..., idempotent=..., ...)",
        ),
        "computed.py": (
            'PREFIX = "report"\n'
            'TaskSpec(type=PREFIX + ".send", queue="low", idempotent=True)\n',
            'TaskSpec type is not a string literal, write type="..." or a module '
            "constant bound to a string literal at {path}:2",
        ),
        "positional.py": (
            'TaskSpec("report.send", "low")\n',
            "TaskSpec(...) has positional arguments, write every field as a "
            "keyword argument at {path}:1",
        ),
        "flag.py": (
            'FLAG = True\nTaskSpec(type="report.send", queue="low", idempotent=FLAG)\n',
            "TaskSpec 'report.send' has no literal idempotent flag, write "
            "idempotent=True or idempotent=False at {path}:2",
        ),
        "duplicate.py": (
            GOOD_ENTRY + "\n" + GOOD_ENTRY,
            "task type 'report.send' is declared twice, first at {path}:1, "
            "remove one of them at {path}:3",
        ),
    }
    for name, (text, message) in files.items():
        path = write(tmp_path, name, text)
        cases.append(
            (path, message.format(path=path, syntax_error=_syntax_error(path)))
        )
    latin = tmp_path / "latin.py"
    latin.write_bytes(b'TaskSpec(type="caf\xe9", queue="low", idempotent=True)\n')
    cases.append((str(latin), _syntax_error(str(latin))))
    return cases


def _syntax_error(path: str) -> str:
    """Return the message for a file that does not compile, else ``""``.

    The wording of SyntaxError differs between Python versions.
    """
    try:
        compile(Path(path).read_bytes(), path, "exec")
    except SyntaxError as error:
        return f"invalid Python: {error.msg} at {path}:{error.lineno}"
    return ""


def test_device_rejected() -> None:
    with pytest.raises(RegistryError) as raised:
        read_registry(os.devnull)
    assert str(raised.value) == (
        f"taskspec-registry ({os.devnull}): not a regular file or folder"
    )


def test_dangling_link_in_folder_rejected(tmp_path: Path) -> None:
    write(tmp_path, "tasks/specs.py", GOOD_ENTRY)
    dangling = tmp_path / "tasks" / "gone.py"
    os.symlink(tmp_path / "nowhere.py", dangling)
    with pytest.raises(RegistryError) as raised:
        read_registry(str(tmp_path / "tasks"))
    assert str(raised.value) == (
        f"taskspec-registry ({tmp_path / 'tasks'}): cannot read {dangling}: "
        "No such file or directory"
    )


def test_broken_registries_rejected(tmp_path: Path) -> None:
    for path, problem in broken_registries(tmp_path):
        with pytest.raises(RegistryError) as raised:
            read_registry(path)
        assert str(raised.value) == f"taskspec-registry ({path}): {problem}"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.py", GOOD_ENTRY)
    os.chmod(path, 0)
    with pytest.raises(RegistryError) as raised:
        read_registry(path)
    assert str(raised.value) == (
        f"taskspec-registry ({path}): cannot read {path}: Permission denied"
    )
