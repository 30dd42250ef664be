"""TSK005: an enqueue call names a task type that is not in the registry."""

from __future__ import annotations

import textwrap
from typing import Callable, List

import pytest

Check = Callable[..., List[str]]

SNED = (
    "TSK005 enqueued task type 'email.sned' is not in the registry - "
    "did you mean 'email.send' or 'email.verify'?"
)
DIGEST = (
    "TSK005 enqueued task type 'report.weekly_digest' is not in the registry - "
    "add it to the registry or fix the name"
)

FAILING = [
    pytest.param(
        'from registry import enqueue\nenqueue("email.sned", {})\n',
        [f"2:8: {SNED}"],
        id="package-import",
    ),
    pytest.param(
        'from registry.enqueue import enqueue\nenqueue("email.sned")\n',
        [f"2:8: {SNED}"],
        id="defining-module",
    ),
    pytest.param(
        'import registry as r\nr.enqueue(task_type="email.sned")\n',
        [f"2:20: {SNED}"],
        id="keyword",
    ),
    pytest.param(
        textwrap.dedent(
            """\
            from registry import enqueue as schedule

            async def publish(post):
                schedule("report.weekly_digest", {"post": post}, queue="low")
            """
        ),
        [f"4:13: {DIGEST}"],
        id="alias-in-async-function",
    ),
]

PASSING = [
    pytest.param(
        'from registry import enqueue\nenqueue("email.send", {}, max_retry=3)\n',
        id="known-type",
    ),
    pytest.param(
        'from queue_client import enqueue\nenqueue("email.sned")\n',
        id="other-enqueue",
    ),
    pytest.param(
        'from registry import handle\nhandle.enqueue("email.sned")\n',
        id="method-named-enqueue",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FAILING)
def test_enqueue_reported(check: Check, source: str, expected: list) -> None:
    assert check(source) == expected


@pytest.mark.parametrize("source", PASSING)
def test_enqueue_not_reported(check: Check, source: str) -> None:
    assert check(source) == []


def test_enqueue_computed_type(check: Check) -> None:
    source = "from registry import enqueue\n\ndef later(kind):\n    enqueue(kind)\n"
    assert check(source) == [
        "4:12: TSK003 task type kind is not a string literal, so the registry "
        "cannot check it - pass a literal or a module constant bound to one"
    ]
