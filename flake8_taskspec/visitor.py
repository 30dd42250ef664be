"""Collect the calls that name a task type from a libcst module.

The visitor resolves callees from the module's own import statements as it
meets them, in source order, instead of running libcst's scope analysis,
which costs several times the parse itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Set, Union

import libcst as cst

from flake8_taskspec.imports import add_import_bindings, dotted_name, resolve
from flake8_taskspec.patterns import SCHEDULE_ENTRY, CallPattern, PatternSet

COMPENSATE = "compensate"
SCHEDULE_TASK_KEY = "task"


@dataclass
class Site:
    """One call that names a task type: a registration or an enqueue.

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


class SiteCollector(cst.CSTVisitor):
    """Walk a module once and record task-type sites and compensation hooks."""

    def __init__(self, patterns: PatternSet) -> None:
        super().__init__()
        self.patterns = patterns
        self.sites: List[Site] = []
        self.bindings: Dict[str, str] = {}
        # Module-level names bound once to a string literal; None marks a
        # name bound more than once or to anything else.
        self.constants: Dict[str, Optional[str]] = {}
        self.hook_owners: Set[str] = set()
        self.classes_with_compensate: Set[str] = set()
        self.defined_names: Set[str] = set()
        self._depth = 0
        self._handled_calls: Set[int] = set()
        self._assigned_names: Dict[int, str] = {}

    def has_compensation(self, site: Site) -> bool:
        """Return True if any of the three compensation forms covers ``site``."""
        if site.compensated or not site.target_known:
            return True
        if site.hook_owner in self.hook_owners:
            return True
        return site.target_name in self.classes_with_compensate

    # Imports, constants and the names that shadow them.

    def visit_Import(self, node: cst.Import) -> None:
        add_import_bindings(self.bindings, node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        add_import_bindings(self.bindings, node)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._visit_schedule_target(target.target, node.value)
            if isinstance(target.target, cst.Name):
                name = target.target.value
                self._define(name, node.value)
                self._assigned_names[id(node.value)] = name

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is None:
            return
        self._visit_schedule_target(node.target, node.value)
        if isinstance(node.target, cst.Name):
            self._define(node.target.value, node.value)

    # Schedules: beat_schedule = {"name": {"task": "type", ...}, ...}.

    def _visit_schedule_target(
        self, target: cst.BaseExpression, value: cst.BaseExpression
    ) -> None:
        if not self.patterns.schedules:
            return
        if isinstance(target, cst.Subscript):
            # beat_schedule["name"] = {"task": "type", ...}
            if _last_name(target.value) in self.patterns.schedules:
                self._record_schedule_entry(value)
        elif _last_name(target) in self.patterns.schedules:
            self._record_schedule(value)

    def _record_schedule(self, value: cst.BaseExpression) -> None:
        if isinstance(value, cst.Dict):
            for element in value.elements:
                if isinstance(element, cst.DictElement):
                    self._record_schedule_entry(element.value)

    def _record_schedule_entry(self, entry: cst.BaseExpression) -> None:
        """Record the "task" value of ``{"task": ...}`` or ``dict(task=...)``."""
        if isinstance(entry, cst.Dict):
            for element in entry.elements:
                if (
                    isinstance(element, cst.DictElement)
                    and literal_string(element.key) == SCHEDULE_TASK_KEY
                ):
                    self.sites.append(Site(element.value, SCHEDULE_ENTRY))
        elif isinstance(entry, cst.Call) and _last_name(entry.func) == "dict":
            task = _argument(entry.args, None, SCHEDULE_TASK_KEY)
            if task is not None:
                self.sites.append(Site(task, SCHEDULE_ENTRY))

    def _define(self, name: str, value: Optional[cst.BaseExpression] = None) -> None:
        self.defined_names.add(name)
        if self._depth > 0:
            return
        self.bindings.pop(name, None)
        literal = literal_string(value) if value is not None else None
        self.constants[name] = None if name in self.constants else literal

    # Decorated definitions.

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._visit_definition(node, compensated=False)
        self._define(node.name.value)
        self._depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._depth -= 1

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        has_method = _defines_compensate(node)
        if has_method:
            self.classes_with_compensate.add(node.name.value)
        self._visit_definition(node, compensated=has_method)
        self._define(node.name.value)
        self._depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._depth -= 1

    def _visit_definition(
        self, node: Union[cst.FunctionDef, cst.ClassDef], compensated: bool
    ) -> None:
        for decorator in node.decorators:
            expression = decorator.decorator
            self._note_hook_owner(expression)
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

    def _note_hook_owner(self, expression: cst.BaseExpression) -> None:
        if (
            isinstance(expression, cst.Attribute)
            and expression.attr.value == COMPENSATE
        ):
            owner = dotted_name(expression.value)
            if owner is not None:
                self.hook_owners.add(owner)

    # Calls: enqueues, the call form, a factory applied directly, and hooks.

    def visit_Call(self, node: cst.Call) -> None:
        if id(node) in self._handled_calls:
            return
        for arg in node.args:
            # app.conf.update(beat_schedule={...})
            if arg.keyword is not None and arg.keyword.value in self.patterns.schedules:
                self._record_schedule(arg.value)
        self._note_hook_owner(node.func)
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
        target = _argument(node.args, pattern.handler_position, pattern.handler_keyword)
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
            target=_argument(node.args, 0, None),
        )

    def _match(self, call: cst.Call) -> Optional[CallPattern]:
        qualified_name = resolve(self.bindings, call.func)
        if qualified_name is not None:
            pattern = self.patterns.by_name(qualified_name)
            if pattern is not None:
                return pattern
        if isinstance(call.func, cst.Attribute):
            return self.patterns.by_method(call.func.attr.value)
        return None

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
        task_type_node = _argument(call.args, pattern.position, pattern.keyword)
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
                compensated=compensated or _has_compensate_keyword(call),
                hook_owner=hook_owner,
                target_name=target_name,
                target_known=target_known,
            )
        )


def _last_name(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    return None


def literal_string(node: cst.BaseExpression) -> Optional[str]:
    """Return the value of a string literal in any spelling, else None."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _argument(
    args: Sequence[cst.Arg], position: Optional[int], keyword: Optional[str]
) -> Optional[cst.BaseExpression]:
    """Return the argument at ``position`` or named ``keyword``, if present."""
    positional = []
    positions_known = True
    for arg in args:
        if arg.star:
            # After *args or **kwargs the positions are unknown.
            positions_known = False
        elif arg.keyword is None:
            if positions_known:
                positional.append(arg.value)
        elif keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is not None and position < len(positional):
        return positional[position]
    return None


def _has_compensate_keyword(call: cst.Call) -> bool:
    value = _argument(call.args, None, COMPENSATE)
    if value is None:
        return False
    return not (isinstance(value, cst.Name) and value.value == "None")


def _defines_compensate(node: cst.ClassDef) -> bool:
    body = node.body
    if not isinstance(body, cst.IndentedBlock):
        return False
    for statement in body.body:
        if isinstance(statement, cst.FunctionDef):
            if statement.name.value == COMPENSATE:
                return True
        elif isinstance(statement, cst.SimpleStatementLine):
            if any(_assigns_compensate(small) for small in statement.body):
                return True
    return False


def _assigns_compensate(statement: cst.BaseSmallStatement) -> bool:
    if not isinstance(statement, cst.Assign):
        return False
    return any(
        isinstance(target.target, cst.Name) and target.target.value == COMPENSATE
        for target in statement.targets
    )
