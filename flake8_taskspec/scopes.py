"""The names a function, lambda, class or comprehension binds locally.

Computed on demand, only for scopes around a call that might be a
registration, so that a local variable, parameter or import named like a
registrar is not mistaken for the module-level one.
"""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Set, Union

import libcst as cst

from flake8_taskspec.imports import add_import_bindings

Scope = Union[
    cst.FunctionDef,
    cst.Lambda,
    cst.ClassDef,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
]
SCOPE_TYPES = (
    cst.FunctionDef,
    cst.Lambda,
    cst.ClassDef,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
)
COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)


def target_names(node: cst.BaseExpression) -> Iterator[str]:
    """Yield the names an assignment target binds: ``a``, ``a, *b``, ``[a, b]``."""
    if isinstance(node, cst.Name):
        yield node.value
    elif isinstance(node, (cst.Tuple, cst.List)):
        for element in node.elements:
            yield from target_names(element.value)
    elif isinstance(node, cst.StarredElement):
        yield from target_names(node.value)


def local_bindings(scope: Scope) -> Dict[str, Optional[str]]:
    """Map each name bound in ``scope`` to its import target, or None.

    A name bound by an import maps to the dotted name it imports; a name
    bound any other way (parameter, assignment, loop, ``with``, ``except``,
    walrus, nested ``def``, ``match`` capture) maps to None. Names declared
    ``global`` or ``nonlocal`` are left out.
    """
    collector = _LocalBindings(scope)
    if isinstance(scope, COMPREHENSIONS):
        for_in: Optional[cst.CompFor] = scope.for_in
        while for_in is not None:
            collector.bind_target(for_in.target)
            for_in = for_in.inner_for_in
    elif isinstance(scope, (cst.FunctionDef, cst.Lambda)):
        collector.bind_parameters(scope.params)
    scope.visit(collector)
    for name in collector.declared_elsewhere:
        collector.names.pop(name, None)
    return collector.names


class _LocalBindings(cst.CSTVisitor):
    def __init__(self, root: Scope) -> None:
        super().__init__()
        self.root = root
        self.names: Dict[str, Optional[str]] = {}
        self.declared_elsewhere: Set[str] = set()

    def bind(self, name: str) -> None:
        self.names[name] = None

    def bind_target(self, node: cst.BaseExpression) -> None:
        for name in target_names(node):
            self.bind(name)

    def bind_parameters(self, parameters: cst.Parameters) -> None:
        every = [
            *parameters.posonly_params,
            *parameters.params,
            *parameters.kwonly_params,
        ]
        for extra in (parameters.star_arg, parameters.star_kwarg):
            if isinstance(extra, cst.Param):
                every.append(extra)
        for parameter in every:
            self.bind(parameter.name.value)

    # Nested scopes bind their own name here and nothing else.

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if node is self.root:
            return True
        self.bind(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        if node is self.root:
            return True
        self.bind(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return node is self.root

    # Binding statements and expressions.

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.bind_target(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.bind_target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self.bind_target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self.bind_target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self.bind_target(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self.bind_target(node.name.name)

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        if node.name is not None:
            self.bind_target(node.name.name)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self.bind_target(node.target)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self.bind(node.name.value)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self.bind(node.name.value)

    def visit_MatchMapping(self, node: cst.MatchMapping) -> None:
        if node.rest is not None:
            self.bind(node.rest.value)

    def visit_Import(self, node: cst.Import) -> None:
        self._bind_imports(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._bind_imports(node)

    def _bind_imports(self, node: Union[cst.Import, cst.ImportFrom]) -> None:
        imported: Dict[str, str] = {}
        add_import_bindings(imported, node)
        self.names.update(imported)
        if isinstance(node, cst.ImportFrom) and not isinstance(
            node.names, cst.ImportStar
        ):
            # A relative or unresolvable import still binds its names.
            for alias in node.names:
                bound = alias.evaluated_alias or alias.evaluated_name
                self.names.setdefault(bound.split(".", 1)[0], None)

    def visit_Global(self, node: cst.Global) -> None:
        self.declared_elsewhere.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        self.declared_elsewhere.update(item.name.value for item in node.names)
