"""Read a TaskSpec registry statically, without importing or running it.

A registry is a module or a package folder whose files declare task types
as ``TaskSpec(type=..., idempotent=..., ...)`` calls with keyword arguments,
and may declare its queue topology as ``Queue(name=..., ...)`` calls. The
reader uses ``ast`` rather than libcst because it runs once at start-up,
before any file is known to need libcst.

A problem with one entry does not stop the reader: it is recorded with its
place, so that flake8 can report it on that entry (TSK1xx), or stop at
start-up when the registry files are not being checked.
"""

from __future__ import annotations

import ast
import functools
from typing import (
    Dict,
    FrozenSet,
    Iterator,
    List,
    Mapping,
    NamedTuple,
    Optional,
    Tuple,
    Union,
)

from flake8_taskspec import messages
from flake8_taskspec.registry_constants import (
    LazyConstants,
    bound_names,
    string_constants,
)
from flake8_taskspec.registry_problems import Problem
from flake8_taskspec.registry_rules import value_problems
from flake8_taskspec.registry_source import RegistryError, load_modules
from flake8_taskspec.registry_values import called_name, literal_bool, literal_string

__all__ = [
    "Problem",
    "RegistryError",
    "RegistryIndex",
    "TaskEntry",
    "read_registry",
    "startup_error",
]

SPEC_CALL_NAME = "TaskSpec"
QUEUE_CALL_NAME = "Queue"


class TaskEntry(NamedTuple):
    """One task type as the registry declares it, and where.

    ``idempotent`` is None when the flag is not a literal; such an entry
    also has a TSK104 problem.
    """

    task_type: str
    idempotent: Optional[bool]
    queue: Optional[str]
    filename: str
    line: int
    column: int


class QueueEntry(NamedTuple):
    name: str
    filename: str
    line: int


class RegistryFile:
    """The entries, queues and problems of one registry file, read on its own."""

    def __init__(self, filename: str, module_name: str) -> None:
        self.filename = filename
        self.module_name = module_name
        self.entries: List[TaskEntry] = []
        self.queues: List[QueueEntry] = []
        self.problems: List[Problem] = []
        self.spec_calls = 0


class RegistryIndex:
    """The task types, queues and string constants of one registry.

    ``constants`` maps qualified names such as ``myapp.tasks.EMAIL_SEND`` to
    their value, including names a package re-exports. ``problems`` lists
    every problem of every file, in file and line order.
    """

    def __init__(self, path: str, constants: Mapping[str, str]) -> None:
        self.path = path
        self.constants = constants
        self.files: Dict[str, RegistryFile] = {}
        self.entries: Dict[str, TaskEntry] = {}
        self.queues: Dict[str, QueueEntry] = {}
        self.problems: List[Problem] = []

    def get(self, task_type: str) -> Optional[TaskEntry]:
        return self.entries.get(task_type)

    @functools.cached_property
    def task_types(self) -> Tuple[str, ...]:
        # Read after build_index has filled ``entries``.
        return tuple(self.entries)

    def with_file(self, tree: ast.Module, filename: str) -> "RegistryIndex":
        """Return the index with ``filename`` re-read from ``tree``.

        The plugin uses it to check the text flake8 holds for a registry
        file, which may differ from the file on disk (an editor buffer).
        """
        old = self.files[filename]
        constants = dict(self.constants)
        for name, value in string_constants(tree).items():
            constants[f"{old.module_name}.{name}"] = value
        new = read_file(tree, filename, old.module_name, constants)
        files = [new if f.filename == filename else f for f in self.files.values()]
        return build_index(self.path, files, constants)


def read_registry(path: str) -> RegistryIndex:
    """Read every entry, queue and string constant under ``path``.

    Raises RegistryError when the path is missing or unreadable, a file has
    a syntax error, or there is no ``TaskSpec(...)`` call at all.
    """
    modules = load_modules(path)
    constants = LazyConstants(modules)
    files = [
        read_file(module.tree, module.filename, module.name, constants)
        if module.tree is not None
        else RegistryFile(module.filename, module.name)
        for module in modules
    ]
    if not any(registry_file.spec_calls for registry_file in files):
        raise RegistryError(
            path,
            f"no {SPEC_CALL_NAME}(...) entries found, declare each task type "
            f"as {SPEC_CALL_NAME}(type=..., idempotent=..., ...)",
        )
    return build_index(path, files, constants)


def read_file(
    tree: ast.Module, filename: str, module_name: str, constants: Mapping[str, str]
) -> RegistryFile:
    """Read the entries and queues one file declares."""
    registry_file = RegistryFile(filename, module_name)
    for call, local_names in _calls(tree, frozenset()):
        name = called_name(call)
        if name == SPEC_CALL_NAME:
            registry_file.spec_calls += 1
            _read_entry(registry_file, call, constants, local_names)
        elif name == QUEUE_CALL_NAME:
            _read_queue(registry_file, call)
    return registry_file


def build_index(
    path: str, files: List[RegistryFile], constants: Mapping[str, str]
) -> RegistryIndex:
    """Merge the files, finding duplicates and queues missing from the topology."""
    index = RegistryIndex(path, constants)
    problems: List[Problem] = []
    for registry_file in files:
        index.files[registry_file.filename] = registry_file
        problems += registry_file.problems
        for queue in registry_file.queues:
            index.queues.setdefault(queue.name, queue)
    for registry_file in files:
        for entry in registry_file.entries:
            problems += _merge_entry(index, entry)
    index.problems = sorted(problems, key=lambda p: (p.filename, p.line, p.column))
    return index


def _calls(
    tree: ast.AST, local_names: FrozenSet[str]
) -> Iterator[Tuple[ast.Call, FrozenSet[str]]]:
    """Yield every call with the names local to the functions around it.

    The walk keeps its own stack, so a deeply nested registry file cannot
    exhaust Python's recursion limit.
    """
    stack: List[Tuple[ast.AST, FrozenSet[str]]] = [(tree, local_names)]
    while stack:
        node, names = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            names = names | _function_locals(node)
        elif isinstance(node, ast.Call):
            yield node, names
        children: List[Tuple[ast.AST, FrozenSet[str]]] = []
        # A hand-rolled ast.iter_child_nodes, which costs twice as much.
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                children.extend(
                    (item, names) for item in value if isinstance(item, ast.AST)
                )
            elif isinstance(value, ast.AST) and field != "ctx":
                children.append((value, names))
        children.reverse()
        stack.extend(children)


def _function_locals(
    node: Union[ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda],
) -> FrozenSet[str]:
    arguments = node.args
    parameters = [
        *arguments.posonlyargs,
        *arguments.args,
        *arguments.kwonlyargs,
        *filter(None, [arguments.vararg, arguments.kwarg]),
    ]
    body = node.body if isinstance(node.body, list) else [node.body]
    names = {parameter.arg for parameter in parameters}
    names.update(name for statement in body for name in bound_names(statement))
    return frozenset(names)


def _read_entry(
    registry_file: RegistryFile,
    call: ast.Call,
    constants: Mapping[str, str],
    local_names: FrozenSet[str],
) -> None:
    filename = registry_file.filename
    if call.args:
        registry_file.problems.append(
            _unreadable(
                call,
                filename,
                "it has positional arguments",
                "write every field as a keyword argument",
            )
        )
        return

    keywords = {kw.arg: kw.value for kw in call.keywords if kw.arg is not None}
    type_node = keywords.get("type")
    task_type = None
    # A name local to the enclosing function is not the module constant.
    if not (isinstance(type_node, ast.Name) and type_node.id in local_names):
        task_type = literal_string(type_node, registry_file.module_name, constants)
    if task_type is None:
        registry_file.problems.append(
            _unreadable(
                type_node or call,
                filename,
                "type is not a string literal",
                'write type="..." or a module constant bound to a string literal',
            )
        )
        return

    idempotent = literal_bool(keywords.get("idempotent"))
    if idempotent is None:
        registry_file.problems.append(
            _unreadable(
                keywords.get("idempotent") or call,
                filename,
                f"idempotent flag of {task_type!r} is not True or False",
                "write idempotent=True or idempotent=False",
            )
        )

    queue = literal_string(keywords.get("queue"), registry_file.module_name, {})
    position = type_node or call
    registry_file.entries.append(
        TaskEntry(
            task_type,
            idempotent,
            queue,
            filename,
            position.lineno,
            position.col_offset,
        )
    )
    registry_file.problems += value_problems(call, task_type, filename)


def _read_queue(registry_file: RegistryFile, call: ast.Call) -> None:
    name_node = next((kw.value for kw in call.keywords if kw.arg == "name"), None)
    if name_node is None and call.args:
        name_node = call.args[0]
    name = literal_string(name_node, registry_file.module_name, {})
    if name is not None:
        registry_file.queues.append(
            QueueEntry(name, registry_file.filename, call.lineno)
        )


def _unreadable(node: ast.AST, filename: str, problem: str, fix: str) -> Problem:
    return Problem.at(
        node, filename, messages.UNREADABLE_ENTRY, problem=problem, fix=fix
    )


def _merge_entry(index: RegistryIndex, entry: TaskEntry) -> List[Problem]:
    problems = []
    first = index.entries.get(entry.task_type)
    if first is not None:
        where = (
            f"line {first.line}"
            if first.filename == entry.filename
            else f"{first.filename}:{first.line}"
        )
        problems.append(
            _entry_problem(entry, messages.DUPLICATE_TASK_TYPE, first=where)
        )
    else:
        index.entries[entry.task_type] = entry
    if index.queues and entry.queue is not None and entry.queue not in index.queues:
        queues = messages.quote_names(tuple(sorted(index.queues)))
        problems.append(
            _entry_problem(
                entry, messages.QUEUE_NOT_IN_TOPOLOGY, queue=entry.queue, queues=queues
            )
        )
    return problems


def _entry_problem(
    entry: TaskEntry, message: messages.Message, **values: object
) -> Problem:
    return Problem(
        entry.filename,
        entry.line,
        entry.column,
        message,
        {"task_type": entry.task_type, **values},
    )


def startup_error(index: RegistryIndex, problem: Problem) -> RegistryError:
    """Return the start-up error for a problem flake8 will not report itself."""
    return RegistryError(index.path, problem.text, (problem.filename, problem.line))
