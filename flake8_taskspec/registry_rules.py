"""Range rules for the values of one registry entry."""

from __future__ import annotations

import ast
from datetime import timedelta
from typing import Callable, Dict, List, Optional, Tuple

from flake8_taskspec.messages import VALUE_OUT_OF_RANGE
from flake8_taskspec.registry_problems import Problem
from flake8_taskspec.registry_values import (
    backoff_bounds,
    literal_number,
    literal_timedelta,
)

# A rule takes the value's ast and returns (shown value, fix) when broken.
Rule = Callable[[ast.expr], Optional[Tuple[str, str]]]


def _max_retry(node: ast.expr) -> Optional[Tuple[str, str]]:
    count = literal_number(node)
    if count is not None and count < 0:
        return f"{count:g}", "use 0 for no retries or a positive count"
    return None


def _timeout(node: ast.expr) -> Optional[Tuple[str, str]]:
    timeout = literal_timedelta(node)
    if timeout is not None and timeout <= timedelta(0):
        return _seconds(timeout), "every task needs a positive timeout"
    return None


def _unique_ttl(node: ast.expr) -> Optional[Tuple[str, str]]:
    ttl = literal_timedelta(node)
    if ttl is not None and ttl < timedelta(0):
        return _seconds(ttl), "use timedelta(0) for no uniqueness or a positive TTL"
    return None


def _retry_delay(node: ast.expr) -> Optional[Tuple[str, str]]:
    bounds = backoff_bounds(node)
    if bounds is None:
        return None
    base, maximum = bounds
    if base > maximum:
        shown = f"base {_seconds(base)} above max {_seconds(maximum)}"
        return shown, "lower base or raise max"
    return None


def _human_name(node: ast.expr) -> Optional[Tuple[str, str]]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if not node.value.strip():
            return repr(node.value), "give it a short name such as 'Send email'"
    return None


def _type(node: ast.expr) -> Optional[Tuple[str, str]]:
    if isinstance(node, ast.Constant) and node.value == "":
        return "''", "name it like 'email.send'"
    return None


RULES: Dict[str, Rule] = {
    "type": _type,
    "max_retry": _max_retry,
    "timeout": _timeout,
    "unique_ttl": _unique_ttl,
    "retry_delay": _retry_delay,
    "human_name": _human_name,
}


def value_problems(call: ast.Call, task_type: str, filename: str) -> List[Problem]:
    """Return a problem for each keyword of ``call`` that breaks its rule."""
    problems = []
    for keyword in call.keywords:
        rule = RULES.get(keyword.arg or "")
        broken = rule(keyword.value) if rule is not None else None
        if broken is None:
            continue
        shown, fix = broken
        problems.append(
            Problem.at(
                keyword.value,
                filename,
                VALUE_OUT_OF_RANGE,
                task_type=task_type,
                field=keyword.arg,
                value=shown,
                fix=fix,
            )
        )
    return problems


def _seconds(value: timedelta) -> str:
    return f"{value.total_seconds():g} s"
