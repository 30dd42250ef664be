"""Read a TaskSpec registry statically, without importing or running it.

A registry is a module or a package folder whose files declare task types
as ``TaskSpec(type=..., idempotent=..., ...)`` calls with keyword
arguments. The reader uses ``ast`` rather than libcst because it runs once
at start-up, before any file is known to need libcst.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Tuple

from flake8_taskspec.registry_source import (
    RegistryError,
    RegistryModule,
    load_modules,
)

__all__ = ["RegistryError", "RegistryIndex", "TaskEntry", "read_registry"]

SPEC_CALL_NAME = "TaskSpec"
# Re-exports can chain (a package re-exporting a module that re-exports);
# this bounds the passes that follow such chains.
MAX_REEXPORT_DEPTH = 8


@dataclass(frozen=True)
class TaskEntry:
    """One task type as the registry declares it, and where."""

    task_type: str
    idempotent: bool
    filename: str
    line: int


@dataclass
class RegistryIndex:
    """The task types of one registry, and its string constants.

    ``constants`` maps qualified names such as ``myapp.tasks.EMAIL_SEND``
    to their value, including names a package re-exports.
    """

    path: str
    entries: Dict[str, TaskEntry] = field(default_factory=dict)
    constants: Dict[str, str] = field(default_factory=dict)

    def get(self, task_type: str) -> Optional[TaskEntry]:
        return self.entries.get(task_type)

    @property
    def task_types(self) -> Tuple[str, ...]:
        return tuple(self.entries)


def read_registry(path: str) -> RegistryIndex:
    """Read every ``TaskSpec(...)`` entry and string constant under ``path``.

    Raises RegistryError when the path is missing or unreadable, a file
    has a syntax error, an entry is not made of literals, a task type is
    declared twice, or there are no entries at all.
    """
    modules = load_modules(path)
    index = RegistryIndex(path=path)
    index.constants = _registry_constants(modules)
    for module in modules:
        for call in _spec_calls(module.tree):
            _add_entry(index, _read_entry(path, module, call, index.constants))
    if not index.entries:
        raise RegistryError(
            path,
            f"no {SPEC_CALL_NAME}(...) entries found, declare each task type "
            f"as {SPEC_CALL_NAME}(type=..., idempotent=..., ...)",
        )
    return index


def _registry_constants(modules: List[RegistryModule]) -> Dict[str, str]:
    """Return every module-level string constant, by qualified name."""
    constants: Dict[str, str] = {}
    aliases: Dict[str, str] = {}
    star_imports: List[Tuple[str, str]] = []
    for module in modules:
        for name, value in _string_constants(module.tree).items():
            constants[f"{module.name}.{name}"] = value
        for node in module.tree.body:
            if isinstance(node, ast.ImportFrom):
                _note_reexport(module, node, aliases, star_imports)
    for _ in range(MAX_REEXPORT_DEPTH):
        added = _follow_reexports(constants, aliases, star_imports)
        if not added:
            break
    return constants


def _note_reexport(
    module: RegistryModule,
    node: ast.ImportFrom,
    aliases: Dict[str, str],
    star_imports: List[Tuple[str, str]],
) -> None:
    source = module.absolute_module(node)
    if source is None:
        return
    for alias in node.names:
        if alias.name == "*":
            star_imports.append((module.name, source))
        else:
            aliases[f"{module.name}.{alias.asname or alias.name}"] = (
                f"{source}.{alias.name}"
            )


def _follow_reexports(
    constants: Dict[str, str],
    aliases: Dict[str, str],
    star_imports: List[Tuple[str, str]],
) -> bool:
    """Copy re-exported constants to their new names; return whether any was new."""
    added = False
    for alias, target in aliases.items():
        if alias not in constants and target in constants:
            constants[alias] = constants[target]
            added = True
    for importer, source in star_imports:
        prefix = f"{source}."
        for name, value in list(constants.items()):
            local = name[len(prefix) :]
            if name.startswith(prefix) and "." not in local:
                new_name = f"{importer}.{local}"
                if new_name not in constants:
                    constants[new_name] = value
                    added = True
    return added


def _string_constants(tree: ast.Module) -> Dict[str, str]:
    """Return the module-level names bound once, to a string literal."""
    constants: Dict[str, str] = {}
    seen = set()
    for statement in tree.body:
        name, value = _assignment(statement)
        if name is None:
            continue
        if name in seen or not isinstance(value, ast.Constant):
            constants.pop(name, None)
        elif isinstance(value.value, str):
            constants[name] = value.value
        seen.add(name)
    return constants


def _assignment(statement: ast.stmt) -> Tuple[Optional[str], Optional[ast.expr]]:
    """Return the name and value of ``NAME = value`` or ``NAME: T = value``."""
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target: ast.expr = statement.targets[0]
        value: Optional[ast.expr] = statement.value
    elif isinstance(statement, ast.AnnAssign):
        target, value = statement.target, statement.value
    else:
        return None, None
    if isinstance(target, ast.Name):
        return target.id, value
    return None, None


def _spec_calls(tree: ast.Module) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
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
    module: RegistryModule,
    call: ast.Call,
    constants: Dict[str, str],
) -> TaskEntry:
    location = (module.filename, call.lineno)
    if call.args:
        raise RegistryError(
            registry_path,
            f"{SPEC_CALL_NAME}(...) has positional arguments, "
            "write every field as a keyword argument",
            location,
        )
    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg is not None}
    task_type = _literal_string(keywords.get("type"), module, constants)
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
    return TaskEntry(task_type, idempotent, module.filename, call.lineno)


def _literal_string(
    node: Optional[ast.expr], module: RegistryModule, constants: Dict[str, str]
) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(f"{module.name}.{node.id}")
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
