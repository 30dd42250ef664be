"""Map the names a module binds through imports to their dotted names."""

from __future__ import annotations

import unicodedata
from typing import Dict, Optional, Union

import libcst as cst


def identifier(name: str) -> str:
    """Return ``name`` normalized to NFKC, the form Python resolves it in.

    Python treats a fullwidth ``ｈａｎｄｌｅ`` as ``handle``, but libcst keeps
    the spelling of the source.
    """
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def dotted_name(node: cst.BaseExpression) -> Optional[str]:
    """Return ``a.b.c`` for a ``Name``/``Attribute`` chain, else None."""
    parts = []
    while isinstance(node, cst.Attribute):
        parts.append(identifier(node.attr.value))
        node = node.value
    if not isinstance(node, cst.Name):
        return None
    parts.append(identifier(node.value))
    return ".".join(reversed(parts))


def add_import_bindings(
    bindings: Dict[str, str], node: Union[cst.Import, cst.ImportFrom]
) -> None:
    """Record the local names that ``node`` binds and what they refer to.

    ``import a.b`` binds ``a`` to ``a``; ``import a.b as c`` binds ``c`` to
    ``a.b``; ``from a import b as c`` binds ``c`` to ``a.b``. Relative and
    star imports bind nothing this checker can resolve.
    """
    if isinstance(node, cst.Import):
        for alias in node.names:
            _add_module_alias(bindings, alias)
        return
    if node.relative or node.module is None:
        return
    if isinstance(node.names, cst.ImportStar):
        return
    module = dotted_name(node.module)
    if module is None:
        return
    for alias in node.names:
        imported = dotted_name(alias.name)
        if imported is None:
            continue
        bindings[_bound_name(alias) or imported] = f"{module}.{imported}"


def _add_module_alias(bindings: Dict[str, str], alias: cst.ImportAlias) -> None:
    module = dotted_name(alias.name)
    if module is None:
        return
    bound = _bound_name(alias)
    if bound is not None:
        bindings[bound] = module
    else:
        root = module.split(".", 1)[0]
        bindings[root] = root


def _bound_name(alias: cst.ImportAlias) -> Optional[str]:
    if alias.asname is None:
        return None
    name = alias.asname.name
    return identifier(name.value) if isinstance(name, cst.Name) else None


def resolve(bindings: Dict[str, str], node: cst.BaseExpression) -> Optional[str]:
    """Return the dotted name ``node`` refers to through imports, or None.

    A name the module did not import resolves to None, so a local function
    that happens to share a registrar's name is never taken for one.
    """
    name = dotted_name(node)
    if name is None:
        return None
    root, _, rest = name.partition(".")
    target = bindings.get(root)
    if target is None:
        return None
    return f"{target}.{rest}" if rest else target
