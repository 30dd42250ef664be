"""Read a TaskSpec registry statically, without importing or running it.

A registry is a module or a package folder whose files declare task types
as ``TaskSpec(type=..., idempotent=..., ...)`` calls with keyword
arguments. The reader uses ``ast`` rather than libcst because it runs once
at start-up, before any file is known to need libcst.
"""

from __future__ import annotations

import ast
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

SPEC_CALL_NAME = "TaskSpec"


class RegistryError(Exception):
    """A registry that cannot be used: missing, unreadable, or not literal.

    The message has the form ``taskspec-registry (PATH): problem`` and,
    when the problem sits in one place, ends with ``at FILE:LINE``.
    """

    def __init__(
        self,
        registry_path: str,
        problem: str,
        location: Optional[Tuple[str, int]] = None,
    ) -> None:
        self.registry_path = registry_path
        self.problem = problem
        self.location = location
        message = f"taskspec-registry ({registry_path}): {problem}"
        if location is not None:
            message += f" at {location[0]}:{location[1]}"
        super().__init__(message)


@dataclass(frozen=True)
class TaskEntry:
    """One task type as the registry declares it, and where."""

    task_type: str
    idempotent: bool
    filename: str
    line: int


@dataclass
class RegistryIndex:
    """The task types of one registry, keyed by name."""

    path: str
    entries: Dict[str, TaskEntry] = field(default_factory=dict)

    def get(self, task_type: str) -> Optional[TaskEntry]:
        return self.entries.get(task_type)

    @property
    def task_types(self) -> Tuple[str, ...]:
        return tuple(self.entries)


def read_registry(path: str) -> RegistryIndex:
    """Read every ``TaskSpec(...)`` entry under ``path``.

    Raises RegistryError when the path is missing or unreadable, a file
    has a syntax error, an entry is not made of literals, a task type is
    declared twice, or there are no entries at all.
    """
    index = RegistryIndex(path=path)
    for filename in _registry_files(path):
        module = _parse_file(path, filename)
        constants = _string_constants(module)
        for call in _spec_calls(module):
            entry = _read_entry(path, filename, call, constants)
            _add_entry(index, entry)
    if not index.entries:
        raise RegistryError(
            path,
            f"no {SPEC_CALL_NAME}(...) entries found, declare each task type "
            f"as {SPEC_CALL_NAME}(type=..., idempotent=..., ...)",
        )
    return index


def _registry_files(path: str) -> List[str]:
    if os.path.isfile(path):
        return [path]
    if not os.path.exists(path):
        raise RegistryError(
            path,
            "no such file or folder, set --taskspec-registry to a registry "
            "module or package folder",
        )
    if not os.path.isdir(path):
        raise RegistryError(path, "not a regular file or folder")
    files = sorted(str(found) for found in _python_files(Path(path)))
    if not files:
        raise RegistryError(
            path,
            "folder contains no Python files, set --taskspec-registry to a "
            "registry module or package folder",
        )
    return files


def _python_files(folder: Path) -> Iterator[Path]:
    # os.walk does not follow symbolic links to folders, so a link loop
    # cannot make this walk run forever.
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            if name.endswith(".py"):
                yield Path(root, name)


def _parse_file(registry_path: str, filename: str) -> ast.Module:
    try:
        with open(filename, "rb") as source_file:
            source = source_file.read()
    except OSError as error:
        raise RegistryError(
            registry_path, f"cannot read {filename}: {error.strerror}"
        ) from None
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise RegistryError(
            registry_path,
            f"invalid Python: {error.msg}",
            (filename, error.lineno or 1),
        ) from None
    except ValueError as error:
        raise RegistryError(registry_path, f"invalid Python in {filename}: {error}")


def _string_constants(module: ast.Module) -> Dict[str, str]:
    """Return the module-level names bound to a string literal."""
    constants: Dict[str, str] = {}
    for statement in module.body:
        target: Optional[ast.expr] = None
        value: Optional[ast.expr] = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign):
            target, value = statement.target, statement.value
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant):
            if isinstance(value.value, str):
                constants[target.id] = value.value
    return constants


def _spec_calls(module: ast.Module) -> Iterator[ast.Call]:
    for node in ast.walk(module):
        if isinstance(node, ast.Call) and _called_name(node) == SPEC_CALL_NAME:
            yield node


def _called_name(call: ast.Call) -> Optional[str]:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _read_entry(
    registry_path: str,
    filename: str,
    call: ast.Call,
    constants: Dict[str, str],
) -> TaskEntry:
    location = (filename, call.lineno)
    if call.args:
        raise RegistryError(
            registry_path,
            f"{SPEC_CALL_NAME}(...) has positional arguments, "
            "write every field as a keyword argument",
            location,
        )
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg is not None}
    task_type = _literal_string(keywords.get("type"), constants)
    if task_type is None:
        raise RegistryError(
            registry_path,
            f'{SPEC_CALL_NAME} type is not a string literal, write type="..." '
            "or a module constant bound to a string literal",
            location,
        )
    idempotent = _literal_bool(keywords.get("idempotent"))
    if idempotent is None:
        raise RegistryError(
            registry_path,
            f"{SPEC_CALL_NAME} {task_type!r} has no literal idempotent flag, "
            "write idempotent=True or idempotent=False",
            location,
        )
    return TaskEntry(task_type, idempotent, filename, call.lineno)


def _literal_string(
    node: Optional[ast.expr], constants: Dict[str, str]
) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _literal_bool(node: Optional[ast.expr]) -> Optional[bool]:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


def _add_entry(index: RegistryIndex, entry: TaskEntry) -> None:
    first = index.entries.get(entry.task_type)
    if first is not None:
        raise RegistryError(
            index.path,
            f"task type {entry.task_type!r} is declared twice, first at "
            f"{first.filename}:{first.line}, remove one of them",
            (entry.filename, entry.line),
        )
    index.entries[entry.task_type] = entry
