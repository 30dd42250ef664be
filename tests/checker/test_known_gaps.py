"""Forms the checker cannot see yet, each a strict xfail with its reason.

When one of them becomes supported its test starts passing, strict mode
turns that into a failure, and the case moves to the regular tables.
"""

from __future__ import annotations

import textwrap
from typing import Callable, List

import pytest

Check = Callable[..., List[str]]

SNED = (
    "TSK001 task type 'email.sned' is not in the registry - "
    "did you mean 'email.send' or 'email.verify'?"
)
MISSING_HOOK = (
    "TSK002 task type 'migrate.batch.posts' is not idempotent but its handler "
    "has no compensation - add compensate=..., an @<handler>.compensate "
    "function or a compensate method"
)

MISSED = [
    pytest.param(
        """
        from registry import *

        @handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:9: {SNED}"],
        id="star-import",
        marks=pytest.mark.xfail(reason="star imports are not resolved", strict=True),
    ),
    pytest.param(
        """
        from registry import handler

        register = handler

        @register("email.sned")
        def send(payload):
            pass
        """,
        [f"6:10: {SNED}"],
        id="registrar-assigned-to-variable",
        marks=pytest.mark.xfail(
            reason="only import statements bind registrars", strict=True
        ),
    ),
    pytest.param(
        """
        from .registry import handler

        @handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:9: {SNED}"],
        id="relative-import",
        marks=pytest.mark.xfail(
            reason="the linted file's own package is not known", strict=True
        ),
    ),
    pytest.param(
        """
        from registry import handle
        from jobs.importers import import_posts

        handle("migrate.batch.posts", import_posts)
        """,
        [f"5:7: {MISSING_HOOK}"],
        id="handler-defined-in-another-file",
        marks=pytest.mark.xfail(
            reason="compensation is looked up in the same file only", strict=True
        ),
    ),
]


@pytest.mark.parametrize(("source", "expected"), MISSED)
def test_known_gap(check: Check, source: str, expected: list) -> None:
    assert check(textwrap.dedent(source)) == expected


CELERY_UNNAMED = textwrap.dedent(
    """\
    from celery import shared_task


    @shared_task
    def send_email(payload):
        pass


    @shared_task(bind=True)
    def verify_email(self, payload):
        pass
    """
)


def test_celery_unnamed_task_accepted(check: Check) -> None:
    # Celery names an unnamed task after its module path, which is only
    # fixed in the running application, so there is no task type to check.
    assert check(CELERY_UNNAMED, patterns=("celery.shared_task:name",)) == []
