"""Collect the calls that name a task type from a libcst module.

The visitor resolves callees from the module's own import statements as it
meets them, in source order, instead of running libcst's scope analysis,
which costs several times the parse itself. Only a call whose callee name
an import statement binds pays for a look at the scopes around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Set, Union, cast

import libcst as cst

from flake8_taskspec.compensation import CompensationIndex, has_compensate_keyword
from flake8_taskspec.imports import add_import_bindings, dotted_name, identifier
from flake8_taskspec.patterns import SCHEDULE_ENTRY, CallPattern, PatternSet
from flake8_taskspec.schedules import assigned_schedule_tasks, schedule_tasks
from flake8_taskspec.scopes import SCOPE_TYPES, Scope, local_bindings, target_names
from flake8_taskspec.syntax import argument, literal_string
from flake8_taskspec.walk import Leave, walk

__all__ = ["Site", "SiteCollector", "literal_string"]


@dataclass
class Site:
    """One expression that names a task type: a registration or an enqueue.

    ``compensated`` is True when the call or the class it decorates
    declares compensation itself. ``hook_owner`` is the name that an
    ``@name.compensate`` decorator or a ``name.compensate(fn)`` call would
    use. ``target_name`` is the handler given to the call form, whose class
    may define a compensate method; ``target_known`` is False when that
    handler is defined in another file.
    """

    task_type_node: cst.BaseExpression
    pattern: CallPattern
    compensated: bool = False
    hook_owner: Optional[str] = None
    target_name: Optional[str] = None
    target_known: bool = True
    # Index in the module's body of the top-level statement around the site.
    statement: int = 0


class SiteCollector:
    """Walk a module once and record task-type sites and compensation hooks.

    A method ``visit_X`` runs for every node of libcst type ``X``.
    """

    def __init__(self, patterns: PatternSet) -> None:
        self.patterns = patterns
        self.sites: List[Site] = []
        # Module-level import bindings, in source order so far.
        self.bindings: Dict[str, str] = {}
        # Module-level names bound once to a string literal; None marks a
        # name bound more than once or to anything else.
        self.constants: Dict[str, Optional[str]] = {}
        self.compensation = CompensationIndex()
        self.defined_names: Set[str] = set()
        # Every name any import statement binds, at any depth.
        self._imported_names: Set[str] = set()
        self._scopes: List[Scope] = []
        self._scope_bindings: Dict[int, Dict[str, Optional[str]]] = {}
        self._handled_calls: Set[int] = set()
        self._assigned_names: Dict[int, str] = {}
        self._statement = 0
        # Implicit concatenations seen; libcst nests one level per literal.
        self.concatenations = 0

    def has_compensation(self, site: Site) -> bool:
        """Return True if any of the three compensation forms covers ``site``."""
        if site.compensated or not site.target_known:
            return True
        if site.hook_owner in self.compensation.hook_owners:
            return True
        target = site.target_name
        if target is not None and target in self.compensation.classes:
            return self.compensation.class_has_compensate(target)
        return False

    def collect(self, module: cst.Module) -> None:
        """Record every site in ``module``, in source order."""
        handlers = {
            getattr(cst, name[len("visit_") :]): getattr(self, name)
            for name in dir(self)
            if name.startswith("visit_")
        }
        scope_types = frozenset(SCOPE_TYPES)
        statements = {id(statement): i for i, statement in enumerate(module.body)}
        for item in walk(module, SCOPE_TYPES):
            self._statement = statements.get(id(item), self._statement)
            item_type = type(item)
            if item_type is Leave:
                self._scopes.pop()
                continue
            if item_type in scope_types:
                self._enter_scope(cast(Scope, item))
            handler = handlers.get(item_type)
            if handler is not None:
                handler(item)

    # Scopes.

    def _enter_scope(self, node: Scope) -> None:
        # A definition's name and decorators belong to the enclosing scope.
        if isinstance(node, cst.FunctionDef):
            self._visit_definition(node, compensated=False)
            self._bind(node.name.value)
        elif isinstance(node, cst.ClassDef):
            self.compensation.note_class(node)
            compensated = self.compensation.class_has_compensate(node.name.value)
            self._visit_definition(node, compensated=compensated)
            self._bind(node.name.value)
        self._scopes.append(node)

    # Imports, constants and the names that shadow them.

    def visit_Import(self, node: cst.Import) -> None:
        self._visit_import(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._visit_import(node)

    def _visit_import(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        bound: Dict[str, str] = {}
        add_import_bindings(bound, node)
        self._imported_names.update(bound)
        if not self._scopes:
            for name in bound:
                # The import now decides what the name is, not a constant.
                self.constants.pop(name, None)
            self.bindings.update(bound)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._visit_schedule_target(target.target, node.value)
            self._bind_target(target.target, node.value)
            if isinstance(target.target, cst.Name):
                self._assigned_names[id(node.value)] = target.target.value

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._visit_schedule_target(node.target, node.value)
        self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self.concatenations += 1

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name.value)

    def _bind_target(
        self, target: cst.BaseExpression, value: Optional[cst.BaseExpression] = None
    ) -> None:
        literal = value if isinstance(target, cst.Name) else None
        for name in target_names(target):
            self._bind(name, literal)

    def _bind(self, name: str, value: Optional[cst.BaseExpression] = None) -> None:
        """Record that ``name`` is bound, at module level if no scope is open."""
        name = identifier(name)
        self.defined_names.add(name)
        if self._scopes:
            return
        self.bindings.pop(name, None)
        literal = literal_string(value) if value is not None else None
        self.constants[name] = None if name in self.constants else literal

    # Schedules: beat_schedule = {"name": {"task": "type", ...}, ...}.

    def _visit_schedule_target(
        self, target: cst.BaseExpression, value: cst.BaseExpression
    ) -> None:
        if self.patterns.schedules:
            names = self.patterns.schedules
            for task in assigned_schedule_tasks(target, value, names):
                self.sites.append(Site(task, SCHEDULE_ENTRY, statement=self._statement))

    # Decorated definitions.

    def _visit_definition(
        self, node: Union[cst.FunctionDef, cst.ClassDef], compensated: bool
    ) -> None:
        for decorator in node.decorators:
            expression = decorator.decorator
            self.compensation.note_hook(expression)
            if not isinstance(expression, cst.Call):
                continue
            pattern = self._match(expression)
            if pattern is None or not pattern.is_decorator:
                continue
            self._handled_calls.add(id(expression))
            self._record(
                expression,
                pattern,
                compensated=compensated,
                hook_owner=node.name.value,
            )

    # Calls: enqueues, the call form, a factory applied directly, and hooks.

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self._handled_calls:
            return
        schedules = self.patterns.schedules
        for arg in node.args:
            # app.conf.update(beat_schedule={...})
            if arg.keyword is not None and arg.keyword.value in schedules:
                for task in schedule_tasks(arg.value):
                    self.sites.append(
                        Site(task, SCHEDULE_ENTRY, statement=self._statement)
                    )
        self.compensation.note_hook(node.func)
        if isinstance(node.func, cst.Call):
            self._visit_applied_factory(node, node.func)
            return
        pattern = self._match(node)
        if pattern is None:
            return
        if pattern.is_decorator:
            # A factory whose result is kept for later, or a decorator whose
            # handler is not visible here: only the task type is checked.
            self._record(node, pattern, target_known=False)
            return
        target = argument(node.args, pattern.handler_position, pattern.handler_keyword)
        self._record(
            node,
            pattern,
            hook_owner=self._assigned_names.get(id(node)),
            target=target,
        )

    def _visit_applied_factory(self, node: cst.Call, factory: cst.Call) -> None:
        pattern = self._match(factory)
        if pattern is None or not pattern.is_decorator:
            return
        self._handled_calls.add(id(factory))
        self._record(
            factory,
            pattern,
            hook_owner=self._assigned_names.get(id(node)),
            target=argument(node.args, 0, None),
        )

    def _match(self, call: cst.Call) -> Optional[CallPattern]:
        qualified_name = self._resolve(call.func)
        if qualified_name is not None:
            pattern = self.patterns.by_name(qualified_name)
            if pattern is not None:
                return pattern
        if isinstance(call.func, cst.Attribute):
            return self.patterns.by_method(call.func.attr.value)
        return None

    def _resolve(self, node: cst.BaseExpression) -> Optional[str]:
        """Return the dotted name ``node`` refers to through imports, or None."""
        name = dotted_name(node)
        if name is None:
            return None
        root, _, rest = name.partition(".")
        if root not in self._imported_names:
            return None
        target = self._binding_in_scopes(root)
        if target is None:
            return None
        return f"{target}.{rest}" if rest else target

    def _binding_in_scopes(self, name: str) -> Optional[str]:
        innermost = len(self._scopes) - 1
        for depth in range(innermost, -1, -1):
            scope = self._scopes[depth]
            # A class body's names are not visible in its methods.
            if isinstance(scope, cst.ClassDef) and depth != innermost:
                continue
            bindings = self._scope_bindings.get(id(scope))
            if bindings is None:
                bindings = local_bindings(scope)
                self._scope_bindings[id(scope)] = bindings
            if name in bindings:
                return bindings[name]
        return self.bindings.get(name)

    def _record(
        self,
        call: cst.Call,
        pattern: CallPattern,
        *,
        compensated: bool = False,
        hook_owner: Optional[str] = None,
        target: Optional[cst.BaseExpression] = None,
        target_known: bool = True,
    ) -> None:
        task_type_node = argument(call.args, pattern.position, pattern.keyword)
        if task_type_node is None:
            return
        target_name = dotted_name(target) if target is not None else None
        if target is not None and target_name not in self.defined_names:
            # The handler comes from elsewhere, so whether it has a
            # compensate method cannot be seen from this file.
            target_known = isinstance(target, cst.Lambda)
        self.sites.append(
            Site(
                task_type_node=task_type_node,
                pattern=pattern,
                compensated=compensated or has_compensate_keyword(call),
                hook_owner=hook_owner,
                target_name=target_name,
                target_known=target_known,
                statement=self._statement,
            )
        )
