"""Find and parse the Python files of a registry, without importing them."""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from pathlib import Path
from typing import Iterator, List, NamedTuple, Optional, Tuple


OPTION = "--taskspec-registry"
DECLARATION = re.compile(r"\b(?:TaskSpec|Queue)\s*\(")


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


class RegistryModule(NamedTuple):
    """One parsed registry file and the dotted name it is imported by."""

    filename: str
    name: str
    is_package: bool
    source: str
    # Parsed at start-up only when the text has "TaskSpec(" or "Queue(",
    # because only such a file can declare an entry; see ``parsed``.
    tree: Optional[ast.Module]

    def parsed(self) -> ast.Module:
        """Return the tree, parsing a file that declares nothing on demand.

        Such a file matters only for the string constants it defines or
        re-exports. If it does not parse, it contributes none, and flake8
        reports its syntax error when it checks the file.
        """
        if self.tree is not None:
            return self.tree
        try:
            return ast.parse(self.source, filename=self.filename)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ast.Module(body=[], type_ignores=[])

    def absolute_module(self, node: ast.ImportFrom) -> Optional[str]:
        """Return the module an ``ImportFrom`` in this file refers to."""
        if node.level == 0:
            return node.module
        package = self.name.split(".")
        if not self.is_package:
            package = package[:-1]
        if node.level - 1 > len(package):
            return None
        base = package[: len(package) - (node.level - 1)]
        parts = base + ([node.module] if node.module else [])
        return ".".join(parts) if parts else None


def load_modules(path: str) -> List[RegistryModule]:
    """Parse every Python file of the registry at ``path``.

    Raises RegistryError when the path is missing, is neither a file nor a
    folder, contains no Python files, or has a file that cannot be read or
    parsed.
    """
    modules = []
    for filename in _registry_files(path):
        source = _read_source(path, filename)
        file_path = Path(filename)
        declares = DECLARATION.search(source) is not None
        modules.append(
            RegistryModule(
                filename=filename,
                name=module_name(file_path),
                is_package=file_path.name == "__init__.py",
                source=source,
                tree=_parse_source(path, filename, source) if declares else None,
            )
        )
    return modules


def module_name(path: Path) -> str:
    """Return the dotted name of ``path``, following ``__init__.py`` upwards."""
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder.name:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


def _registry_files(path: str) -> List[str]:
    if os.path.isfile(path):
        return [path]
    if os.path.islink(path) and not os.path.exists(path):
        raise RegistryError(
            path,
            "symbolic link to nothing (a loop or a missing target), point "
            f"{OPTION} at the real file or folder",
        )
    if not os.path.exists(path):
        raise RegistryError(
            path,
            f"no such file or folder, set {OPTION} to a registry module or "
            "package folder",
        )
    if not os.path.isdir(path):
        raise RegistryError(
            path,
            f"not a regular file or folder, set {OPTION} to a registry module "
            "or package folder",
        )
    files = sorted(str(found) for found in _python_files(Path(path)))
    if not files:
        raise RegistryError(
            path,
            f"folder contains no Python files, set {OPTION} to a registry "
            "module or package folder",
        )
    return files


def _python_files(folder: Path) -> Iterator[Path]:
    # Links to folders are followed, and each real folder is read once, so
    # a link loop cannot make this walk run forever.
    seen = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(root)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            if name.endswith(".py"):
                yield Path(root, name)


def _read_source(registry_path: str, filename: str) -> str:
    try:
        with open(filename, "rb") as source_file:
            data = source_file.read()
    except OSError as error:
        raise RegistryError(
            registry_path,
            f"cannot read {filename}: {error.strerror}, check that the file "
            "and the links to it exist and are readable",
        ) from None
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)
    except (SyntaxError, LookupError, UnicodeDecodeError) as error:
        raise RegistryError(
            registry_path,
            f"cannot decode {filename}: {error}, save it as UTF-8 or declare "
            "its encoding in a coding comment",
        ) from None
    return source


def _parse_source(registry_path: str, filename: str, source: str) -> ast.Module:
    try:
        return ast.parse(source, filename=filename)
    except SyntaxError as error:
        raise RegistryError(
            registry_path,
            f"invalid Python: {error.msg}",
            (filename, error.lineno or 1),
        ) from None
    except (RecursionError, MemoryError):
        raise RegistryError(
            registry_path,
            f"{filename} nests too deeply for Python to parse, split its expressions",
        ) from None
    except ValueError as error:
        # Python before 3.11.4 raises ValueError for a null byte.
        raise RegistryError(
            registry_path, f"invalid Python in {filename}: {error}"
        ) from None
