"""TSK004: a task type registered twice in one file."""

from __future__ import annotations

import textwrap
from typing import Callable, List

import pytest

Check = Callable[..., List[str]]


def duplicate(task_type: str, first_line: int) -> str:
    return (
        f"TSK004 task type {task_type!r} is already registered on line "
        f"{first_line} - keep one handler per task type"
    )


FAILING = [
    pytest.param(
        """
        from registry import handle, handler

        @handler("email.send")
        def send(payload):
            pass

        handle("email.send", print)
        """,
        [f"8:7: {duplicate('email.send', 4)}"],
        id="decorator-then-call",
    ),
    pytest.param(
        """
        from registry import handler

        SEND = "email.send"

        @handler("email.send")
        def send(payload):
            pass

        @handler(SEND)
        def send_again(payload):
            pass

        @handler("email" ".send")
        def send_third(payload):
            pass
        """,
        [f"10:9: {duplicate('email.send', 6)}", f"14:9: {duplicate('email.send', 6)}"],
        id="constant-and-concatenation",
    ),
]

PASSING = [
    pytest.param(
        """
        from registry import enqueue, handler

        @handler("email.send")
        def send(payload):
            enqueue("email.send", payload)
            enqueue("email.send", payload)
        """,
        id="enqueue-not-a-registration",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("email.send")
        def send(payload):
            pass

        @handler("email.verify")
        def verify(payload):
            pass
        """,
        id="different-types",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FAILING)
def test_duplicate_reported(check: Check, source: str, expected: list) -> None:
    assert check(textwrap.dedent(source)) == expected


@pytest.mark.parametrize("source", PASSING)
def test_duplicate_not_reported(check: Check, source: str) -> None:
    assert check(textwrap.dedent(source)) == []
