"""String constants of a registry, followed through its re-exports."""

from __future__ import annotations

import ast
from typing import Dict, Iterator, List, Mapping, Optional, Tuple

from flake8_taskspec.registry_source import RegistryModule

# Re-exports can chain (a package re-exporting a module that re-exports);
# this bounds the passes that follow such chains.
MAX_REEXPORT_DEPTH = 8


class LazyConstants(Mapping[str, str]):
    """``registry_constants`` of the modules, computed on first use.

    Most runs never look a constant up, and computing them parses every
    file of the registry.
    """

    def __init__(self, modules: List[RegistryModule]) -> None:
        self._modules = modules
        self._values: Optional[Dict[str, str]] = None

    def _load(self) -> Dict[str, str]:
        if self._values is None:
            self._values = registry_constants(self._modules)
        return self._values

    def __getitem__(self, name: str) -> str:
        return self._load()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def registry_constants(modules: List[RegistryModule]) -> Dict[str, str]:
    """Return every module-level string constant, by qualified name.

    A name a module imports from another registry module is recorded under
    the importing module too, so ``from tasks import SEND`` resolves when
    ``tasks/__init__.py`` re-exports ``SEND`` from ``tasks.names``.
    """
    constants: Dict[str, str] = {}
    aliases: Dict[str, str] = {}
    star_imports: List[Tuple[str, str]] = []
    for module in modules:
        tree = module.parsed()
        for name, value in string_constants(tree).items():
            constants[f"{module.name}.{name}"] = value
        for node in tree.body:
            if isinstance(node, ast.ImportFrom):
                _note_reexport(module, node, aliases, star_imports)
    for _ in range(MAX_REEXPORT_DEPTH):
        added = _follow_reexports(constants, aliases, star_imports)
        if not added:
            break
    return constants


def string_constants(tree: ast.Module) -> Dict[str, str]:
    """Return the module-level names bound once, to a string literal.

    ``NAME = "..."``, ``A = B = "..."`` and ``NAME: T = "..."`` bind a
    constant. A name bound twice, or bound any other way at module level,
    is not a constant.
    """
    constants: Dict[str, str] = {}
    seen = set()
    for statement in tree.body:
        for name, value in _bindings(statement):
            if name in seen or value is None:
                constants.pop(name, None)
            else:
                constants[name] = value
            seen.add(name)
    return constants


def _bindings(statement: ast.stmt) -> List[Tuple[str, Optional[str]]]:
    """Return the names a module-level statement binds, with string values."""
    if isinstance(statement, (ast.Assign, ast.AnnAssign)):
        targets = (
            statement.targets
            if isinstance(statement, ast.Assign)
            else [statement.target]
        )
        names = [target.id for target in targets if isinstance(target, ast.Name)]
        if len(names) == len(targets):
            literal = _string(statement.value)
            return [(name, literal) for name in names]
    return [(name, None) for name in bound_names(statement)]


def _string(node: Optional[ast.expr]) -> Optional[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def bound_names(root: ast.AST) -> Iterator[str]:
    """Yield the names ``root`` binds in its own scope, not in nested ones."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield (alias.asname or alias.name).split(".", 1)[0]
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.Lambda, ast.comprehension)):
                stack.append(child)


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
