"""TSK002: a handler of a non-idempotent task type declares no compensation."""

from __future__ import annotations

import textwrap
from typing import Callable, List

import pytest


def missing(task_type: str, hook_owner: str) -> str:
    return (
        f"TSK002 task type {task_type!r} is not idempotent but its handler has "
        f"no compensation - add compensate=..., an @{hook_owner}.compensate "
        "function or a compensate method"
    )


Check = Callable[..., List[str]]


def missing_unnamed(task_type: str) -> str:
    return (
        f"TSK002 task type {task_type!r} is not idempotent but its handler has "
        "no compensation - pass compensate=... to the registration or give the "
        "handler class a compensate method"
    )


FAILING = [
    pytest.param(
        """
        from registry import handler

        @handler("media.variant.generate")
        def generate_variant(payload):
            pass
        """,
        [f"4:9: {missing('media.variant.generate', 'generate_variant')}"],
        id="decorator",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("migrate.batch.users", compensate=None)
        def import_users(payload):
            pass
        """,
        [f"4:9: {missing('migrate.batch.users', 'import_users')}"],
        id="compensate-none",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("media.video.transcode")
        class Transcode:
            def run(self, payload):
                pass

            def cleanup(self, payload):
                pass
        """,
        [f"4:9: {missing('media.video.transcode', 'Transcode')}"],
        id="class-without-compensate-method",
    ),
    pytest.param(
        """
        from registry import handle

        def import_posts(payload):
            pass

        handle("migrate.batch.posts", import_posts)
        """,
        [f"7:7: {missing_unnamed('migrate.batch.posts')}"],
        id="call-form",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("migrate.batch.media")
        def import_media(payload):
            pass

        @import_users.compensate
        def rollback(payload):
            pass
        """,
        [f"4:9: {missing('migrate.batch.media', 'import_media')}"],
        id="hook-on-another-handler",
    ),
    pytest.param(
        """
        from registry import handle

        class Transcode:
            def run(self, payload):
                pass

        job = handle("media.video.transcode", Transcode)
        """,
        [f"8:13: {missing('media.video.transcode', 'job')}"],
        id="call-form-class-without-method",
    ),
    pytest.param(
        """
        from registry import handler

        def import_posts(payload):
            pass

        handler("migrate.batch.posts")(import_posts)
        """,
        [f"7:8: {missing_unnamed('migrate.batch.posts')}"],
        id="factory-applied",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("media.video.transcode")
        class Transcode: run = staticmethod(print)
        """,
        [f"4:9: {missing('media.video.transcode', 'Transcode')}"],
        id="class-one-line-body",
    ),
]

PASSING = [
    pytest.param(
        """
        from registry import handler

        def remove_partial_variant(payload):
            pass

        @handler("media.variant.generate", compensate=remove_partial_variant)
        def generate_variant(payload):
            pass
        """,
        id="compensate-keyword",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("migrate.batch.posts")
        def import_posts(payload):
            pass

        @import_posts.compensate
        def rollback_posts(payload):
            pass
        """,
        id="compensate-decorator",
    ),
    pytest.param(
        """
        import registry

        @registry.handler("media.video.transcode")
        class Transcode:
            def run(self, payload):
                pass

            def compensate(self, payload):
                pass
        """,
        id="compensate-method",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("media.video.transcode")
        class Transcode:
            run = staticmethod(print)
            compensate = staticmethod(print)
        """,
        id="compensate-class-attribute",
    ),
    pytest.param(
        """
        from registry import handle

        def import_posts(payload):
            pass

        handle("migrate.batch.posts", import_posts, compensate=print)
        """,
        id="call-form-keyword",
    ),
    pytest.param(
        """
        from registry import handle

        class Transcode:
            def run(self, payload):
                pass

            def compensate(self, payload):
                pass

        handle("media.video.transcode", Transcode)
        """,
        id="call-form-class-with-method",
    ),
    pytest.param(
        """
        from registry import handle

        def import_posts(payload):
            pass

        posts_job = handle("migrate.batch.posts", import_posts)

        @posts_job.compensate
        def rollback(payload):
            pass
        """,
        id="call-form-assigned-hook",
    ),
    pytest.param(
        """
        from registry import handler

        def rollback(payload):
            pass

        @handler("migrate.batch.users")
        def import_users(payload):
            pass

        import_users.compensate(rollback)
        """,
        id="compensate-call",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("email.send")
        def send(payload):
            pass
        """,
        id="idempotent-type",
    ),
]

# Compensation the runtime finds in ways the checker must follow.
PASSING += [
    pytest.param(
        """
        from registry import handler

        class Base:
            def run(self, payload):
                pass

            def compensate(self, payload):
                pass

        class Middle(Base):
            pass

        @handler("migrate.batch.users")
        class Inherits(Middle):
            pass
        """,
        id="inherited-method",
    ),
    pytest.param(
        """
        import sys
        from registry import handler

        @handler("migrate.batch.users")
        class Conditional:
            def run(self, payload):
                pass

            if sys.version_info >= (3, 9):
                def compensate(self, payload):
                    pass
            else:
                compensate = None
        """,
        id="method-under-if",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("migrate.batch.users")
        class Annotated:
            run = staticmethod(print)
            compensate: object = staticmethod(print)
        """,
        id="annotated-attribute",
    ),
    pytest.param(
        """
        from registry import handler

        class Jobs:
            @handler("migrate.batch.posts")
            def import_posts(self, payload):
                pass

        @Jobs.import_posts.compensate
        def undo_posts(payload):
            pass
        """,
        id="qualified-hook",
    ),
    pytest.param(
        """
        from registry import handler

        options = {"compensate": print}

        @handler("migrate.batch.posts", **options)
        def import_posts(payload):
            pass
        """,
        id="keywords-through-double-star",
    ),
    pytest.param(
        """
        from registry import handler
        from jobs.base import BaseJob

        @handler("migrate.batch.users")
        class ImportUsers(BaseJob):
            pass
        """,
        id="imported-base-class",
    ),
]

FAILING += [
    pytest.param(
        """
        from registry import handler

        class Base:
            def run(self, payload):
                pass

        @handler("migrate.batch.users")
        class NoHook(Base, object):
            pass
        """,
        [f"8:9: {missing('migrate.batch.users', 'NoHook')}"],
        id="local-bases-without-method",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("migrate.batch.users")
        class Nested:
            def run(self, payload):
                def compensate(payload):
                    pass

            class Inner:
                def compensate(self, payload):
                    pass
        """,
        [f"4:9: {missing('migrate.batch.users', 'Nested')}"],
        id="compensate-only-in-nested-scopes",
    ),
]

# Cases the checker accepts because the handler's definition is not in the
# file, so whether it has a compensate method cannot be seen.
ACCEPTED = [
    pytest.param(
        """
        from registry import handle
        from jobs.media import Transcode

        handle("media.video.transcode", Transcode)
        """,
        id="imported-target",
    ),
    pytest.param(
        """
        from registry import handler

        register = handler("migrate.batch.posts")
        """,
        id="factory-kept-for-later",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FAILING)
def test_missing_compensation_reported(
    check: Check, source: str, expected: list
) -> None:
    assert check(textwrap.dedent(source)) == expected


@pytest.mark.parametrize("source", PASSING + ACCEPTED)
def test_missing_compensation_not_reported(check: Check, source: str) -> None:
    assert check(textwrap.dedent(source)) == []


def test_user_registry_non_idempotent(check: Check, small_registry) -> None:
    source = textwrap.dedent(
        """
        from registry import handler

        @handler("report.build")
        def build(payload):
            pass
        """
    )
    assert check(source, small_registry) == [f"4:9: {missing('report.build', 'build')}"]
