"""Turn a module's source into findings, independent of flake8."""

from __future__ import annotations

import ast
from typing import List, NamedTuple

from flake8_taskspec import messages
from flake8_taskspec.nesting import MAX_NESTING, nesting_depth, recursion_limit_for
from flake8_taskspec.patterns import PatternSet
from flake8_taskspec.registry_index import RegistryIndex


class Finding(NamedTuple):
    """One finding: 1-based line, 0-based column in characters, message."""

    line: int
    column: int
    message: str


def check_source(
    source: str, tree: ast.AST, index: RegistryIndex, patterns: PatternSet
) -> List[Finding]:
    """Parse ``source`` with libcst and check every task-type site in it.

    ``tree`` is the ast of the same source, which flake8 has already built.
    """
    depth = nesting_depth(tree)
    if depth > MAX_NESTING:
        message = messages.TOO_DEEPLY_NESTED.format(depth=depth, limit=MAX_NESTING)
        return [Finding(1, 0, message)]
    with recursion_limit_for(depth):
        return _check_parsed(source, tree, depth, index, patterns)


def _check_parsed(
    source: str, tree: ast.AST, depth: int, index: RegistryIndex, patterns: PatternSet
) -> List[Finding]:
    # libcst is imported here, not at module level, because its import
    # alone costs more than a flake8 run on a small file.
    import libcst as cst

    from flake8_taskspec.checks import FileCheck
    from flake8_taskspec.visitor import SiteCollector

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return [_unparsable(error.message)]
    except (cst.CSTValidationError, RecursionError) as error:
        # CSTValidationError derives from SyntaxError, and flake8 would
        # report it as a bogus E999 if it escaped.
        return [_unparsable(f"{type(error).__name__}: {error}")]
    collector = SiteCollector(patterns)
    collector.collect(module)
    # Placing findings runs libcst's recursive code generator, which nests
    # one level per literal of an implicit concatenation. The ast shows such
    # a concatenation as one constant, so nesting_depth does not count them.
    with recursion_limit_for(depth + collector.concatenations):
        return FileCheck(source, tree, module, collector, index).findings()


def _unparsable(error: str) -> Finding:
    message = messages.UNPARSABLE_FILE.format(error=messages.single_line(error))
    return Finding(1, 0, message)
