"""The names a function, lambda, class or comprehension binds locally.

Computed on demand, only for scopes around a call that might be a
registration, so that a local variable, parameter or import named like a
registrar is not mistaken for the module-level one.
"""

from __future__ import annotations

from typing import Dict, Iterator, Optional, Set, Union

import libcst as cst

from flake8_taskspec.imports import add_import_bindings, identifier
from flake8_taskspec.walk import walk

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
# Nested scopes whose bodies bind nothing in the enclosing scope. A
# comprehension is walked because a walrus inside it binds outside it.
OWN_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef)


# Node types that can bind a name; the walk skips every other type quickly.
BINDING_TYPES = frozenset(
    {
        cst.FunctionDef,
        cst.ClassDef,
        cst.Assign,
        cst.AnnAssign,
        cst.AugAssign,
        cst.For,
        cst.NamedExpr,
        cst.WithItem,
        cst.ExceptHandler,
        cst.ExceptStarHandler,
        cst.MatchAs,
        cst.MatchStar,
        cst.MatchMapping,
        cst.Global,
        cst.Nonlocal,
        cst.Import,
        cst.ImportFrom,
    }
)


def target_names(node: cst.BaseExpression) -> Iterator[str]:
    """Yield the names an assignment target binds: ``a``, ``a, *b``, ``[a, b]``."""
    if isinstance(node, cst.Name):
        yield identifier(node.value)
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
    names: Dict[str, Optional[str]] = {}
    declared_elsewhere: Set[str] = set()
    if isinstance(scope, COMPREHENSIONS):
        for_in: Optional[cst.CompFor] = scope.for_in
        while for_in is not None:
            names.update(dict.fromkeys(target_names(for_in.target)))
            for_in = for_in.inner_for_in
    elif isinstance(scope, (cst.FunctionDef, cst.Lambda)):
        names.update(dict.fromkeys(_parameter_names(scope.params)))
    for node in walk(scope, prune_types=OWN_SCOPES):
        if node is scope or type(node) not in BINDING_TYPES:
            continue
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            declared_elsewhere.update(item.name.value for item in node.names)
        elif isinstance(node, (cst.Import, cst.ImportFrom)):
            names.update(_import_bindings(node))
        else:
            names.update(dict.fromkeys(_bound_names(node)))
    for name in declared_elsewhere:
        names.pop(name, None)
    return names


def _parameter_names(parameters: cst.Parameters) -> Iterator[str]:
    every = [*parameters.posonly_params, *parameters.params, *parameters.kwonly_params]
    for extra in (parameters.star_arg, parameters.star_kwarg):
        if isinstance(extra, cst.Param):
            every.append(extra)
    for parameter in every:
        yield identifier(parameter.name.value)


def _bound_names(node: object) -> Iterator[str]:
    """Yield the names a node binds in the scope that contains it."""
    if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
        yield identifier(node.name.value)
    elif isinstance(node, cst.Assign):
        for target in node.targets:
            yield from target_names(target.target)
    elif isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.For, cst.NamedExpr)):
        yield from target_names(node.target)
    elif isinstance(node, cst.WithItem) and node.asname is not None:
        yield from target_names(node.asname.name)
    elif isinstance(node, (cst.ExceptHandler, cst.ExceptStarHandler)):
        if node.name is not None:
            yield from target_names(node.name.name)
    elif isinstance(node, (cst.MatchAs, cst.MatchStar)) and node.name is not None:
        yield node.name.value
    elif isinstance(node, cst.MatchMapping) and node.rest is not None:
        yield node.rest.value


def _import_bindings(
    node: Union[cst.Import, cst.ImportFrom],
) -> Dict[str, Optional[str]]:
    bindings: Dict[str, Optional[str]] = {}
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        # A relative or unresolvable import still binds its names.
        for alias in node.names:
            bound = alias.evaluated_alias or alias.evaluated_name
            bindings[bound.split(".", 1)[0]] = None
    resolved: Dict[str, str] = {}
    add_import_bindings(resolved, node)
    bindings.update(resolved)
    return bindings
