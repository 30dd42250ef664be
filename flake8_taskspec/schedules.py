"""Task types named in schedule dicts, such as Celery's ``beat_schedule``.

The names to watch come from ``--taskspec-schedules``. A schedule is a dict
literal assigned to such a name or passed as such a keyword; each entry is
a dict literal or ``dict(...)`` whose "task" value names a task type.
"""

from __future__ import annotations

from typing import FrozenSet, Iterator

import libcst as cst

from flake8_taskspec.syntax import argument, last_name, literal_string

TASK_KEY = "task"


def assigned_schedule_tasks(
    target: cst.BaseExpression, value: cst.BaseExpression, names: FrozenSet[str]
) -> Iterator[cst.BaseExpression]:
    """Yield the "task" values of ``target = value`` when it sets a schedule."""
    if isinstance(target, cst.Subscript):
        # beat_schedule["name"] = {"task": "type", ...}
        if last_name(target.value) in names:
            yield from entry_task(value)
    elif last_name(target) in names:
        yield from schedule_tasks(value)


def schedule_tasks(value: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """Yield the "task" value of every entry of a schedule dict literal."""
    if isinstance(value, cst.Dict):
        for element in value.elements:
            if isinstance(element, cst.DictElement):
                yield from entry_task(element.value)


def entry_task(entry: cst.BaseExpression) -> Iterator[cst.BaseExpression]:
    """Yield the "task" value of ``{"task": ...}`` or ``dict(task=...)``."""
    if isinstance(entry, cst.Dict):
        for element in entry.elements:
            if (
                isinstance(element, cst.DictElement)
                and literal_string(element.key) == TASK_KEY
            ):
                yield element.value
    elif isinstance(entry, cst.Call) and last_name(entry.func) == "dict":
        task = argument(entry.args, None, TASK_KEY)
        if task is not None:
            yield task
