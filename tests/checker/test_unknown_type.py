"""TSK001: a registration names a task type that is not in the registry."""

from __future__ import annotations

import ast
import sys
import textwrap
from typing import Callable, List

import pytest

from flake8_taskspec.plugin import TaskSpecChecker


Check = Callable[..., List[str]]

SNED = (
    "TSK001 task type 'email.sned' is not in the registry - "
    "did you mean 'email.send' or 'email.verify'?"
)
POSTS = (
    "TSK001 task type 'search.reindex.posts' is not in the registry - did you "
    "mean 'search.reindex.post', 'search.reindex.term' or 'search.reindex.comment'?"
)
DIGEST = (
    "TSK001 task type 'report.weekly_digest' is not in the registry - "
    "add it to the registry or fix the name"
)

FAILING = [
    pytest.param(
        """
        from registry import handler

        @handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:9: {SNED}"],
        id="decorator",
    ),
    pytest.param(
        """
        from registry import handle

        def reindex(payload):
            pass

        handle("search.reindex.posts", reindex)
        """,
        [f"7:7: {POSTS}"],
        id="call-form",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("report.weekly_digest")
        def digest(payload):
            pass
        """,
        [f"4:9: {DIGEST}"],
        id="no-close-name",
    ),
    pytest.param(
        """
        import registry

        @registry.handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:18: {SNED}"],
        id="module-import",
    ),
    pytest.param(
        """
        import registry as r

        @r.handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:11: {SNED}"],
        id="module-alias",
    ),
    pytest.param(
        """
        from registry import handler as task_handler

        @task_handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:14: {SNED}"],
        id="name-alias",
    ),
    pytest.param(
        """
        from registry.handlers import handler

        @handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:9: {SNED}"],
        id="defining-module",
    ),
    pytest.param(
        """
        from registry import handlers

        @handlers.handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:18: {SNED}"],
        id="submodule-from-import",
    ),
    pytest.param(
        """
        import registry.handlers

        @registry.handlers.handler("email.sned")
        def send(payload):
            pass
        """,
        [f"4:27: {SNED}"],
        id="submodule-import",
    ),
    pytest.param(
        """
        import registry.handlers as rh

        rh.handle("email.sned", print)
        """,
        [f"4:10: {SNED}"],
        id="submodule-alias-call-form",
    ),
    pytest.param(
        """
        from registry import handler

        @handler(task_type="email.sned")
        def send(payload):
            pass
        """,
        [f"4:19: {SNED}"],
        id="task-type-keyword",
    ),
    pytest.param(
        """
        from registry import handler

        def send(payload):
            pass

        handler("email.sned")(send)
        """,
        [f"7:8: {SNED}"],
        id="factory-applied",
    ),
    pytest.param(
        """
        def register_all():
            from registry import handle
            handle("email.sned", print)
        """,
        [f"4:11: {SNED}"],
        id="import-inside-function",
    ),
    pytest.param(
        """
        from registry import handle

        note = "café"; handle("email.sned", print)
        """,
        [f"4:22: {SNED}"],
        id="non-ascii-before-name",
    ),
    pytest.param(
        """
        from registry import handler

        class Jobs:
            @staticmethod
            @handler("email.sned")
            def send(payload):
                pass
        """,
        [f"6:13: {SNED}"],
        id="method-stacked-decorators",
    ),
    pytest.param(
        """
        from registry import handler

        @handler("email.sned")
        async def send(payload):
            pass

        @handler("report.weekly_digest")
        class Digest:
            def run(self, payload):
                pass
        """,
        [f"4:9: {SNED}", f"8:9: {DIGEST}"],
        id="async-and-class",
    ),
]

# Each binds "handler" or "handle" some other way than by importing it
# from the registry, in the scope where the call is.
SHADOWED = [
    pytest.param(
        "def outer():\n    def handler(n):\n        return n\n"
        "    return handler('email.sned')\n",
        id="nested-function",
    ),
    pytest.param(
        "def f():\n    handler = print\n    handler('email.sned')\n",
        id="local-variable",
    ),
    pytest.param(
        "def f():\n    handler('email.sned')\n    handler = print\n",
        id="local-assigned-after-use",
    ),
    pytest.param(
        "def wrap(handler):\n    @handler('email.sned')\n    def g():\n        pass\n",
        id="parameter",
    ),
    pytest.param("def f(*, handle=print):\n    handle('email.sned', 1)\n", id="kwonly"),
    pytest.param("f = lambda handler: handler('email.sned')\n", id="lambda-parameter"),
    pytest.param(
        "x = [handler('email.sned') for handler in [print]]\n", id="comprehension"
    ),
    pytest.param("handler: object = print\nhandler('email.sned')\n", id="annotated"),
    pytest.param("handler, x = print, 1\nhandler('email.sned')\n", id="tuple-unpack"),
    pytest.param("for handler in [print]:\n    handler('email.sned')\n", id="for"),
    pytest.param("with open('f') as handler:\n    handler('email.sned')\n", id="with"),
    pytest.param(
        "try:\n    pass\nexcept Exception as handler:\n    handler('email.sned')\n",
        id="except",
    ),
    pytest.param("(handler := print)\nhandler('email.sned')\n", id="walrus"),
    pytest.param(
        "match print:\n    case handler:\n        handler('email.sned')\n",
        id="match-capture",
        marks=pytest.mark.skipif(
            sys.version_info < (3, 10), reason="match needs Python 3.10"
        ),
    ),
    pytest.param(
        "class Jobs:\n    handler = print\n    handler('email.sned')\n",
        id="class-attribute",
    ),
]


@pytest.mark.parametrize("body", SHADOWED)
def test_shadowed_registrar_not_reported(check: Check, body: str) -> None:
    source = "from registry import handle, handler\n" + body
    assert check(source) == []


def test_function_import_stays_in_function(check: Check) -> None:
    source = textwrap.dedent(
        """\
        from events import handler


        def setup_tasks():
            from registry import handler
            handler("email.sned")


        @handler("comment.created")
        def on_comment(event):
            pass
        """
    )
    assert check(source) == [f"6:12: {SNED}"]


def test_global_declaration_uses_module_binding(check: Check) -> None:
    source = textwrap.dedent(
        """\
        from registry import handle


        def register():
            global handle
            handle("email.sned", print)
        """
    )
    assert check(source) == [f"6:11: {SNED}"]


PASSING = [
    pytest.param(
        """
        from registry import handle

        def register(handle=print):
            handle("email.sned", print)
        """,
        id="parameter-shadows-registrar",
    ),
    pytest.param(
        """
        from events import on

        def send(payload):
            pass

        on("email.sned")(send)
        """,
        id="other-factory-applied",
    ),
    pytest.param(
        """
        from registry import handler, handle

        @handler("email.send")
        def send(payload):
            pass

        handle("search.reindex.post", print)
        """,
        id="known-types",
    ),
    pytest.param(
        """
        def handler(event):
            def wrap(fn):
                return fn
            return wrap

        @handler("button.clicked")
        def on_click(event):
            pass
        """,
        id="local-function-named-handler",
    ),
    pytest.param(
        """
        from events import handler

        @handler("button.clicked")
        def on_click(event):
            pass
        """,
        id="handler-from-another-module",
    ),
    pytest.param(
        """
        from registry import handler

        def handler(event):
            return lambda fn: fn

        @handler("button.clicked")
        def on_click(event):
            pass
        """,
        id="import-shadowed-by-local-def",
    ),
    pytest.param(
        """
        # Handlers register against the task registry elsewhere.
        @handler("button.clicked")
        def on_click(event):
            pass
        """,
        id="registry-only-in-comment",
    ),
    pytest.param(
        """
        import registry

        bus = object()

        @bus.handler("button.clicked")
        def on_click(event):
            pass
        """,
        id="method-on-other-object",
    ),
    pytest.param(
        """
        from .registry import handler

        @handler("button.clicked")
        def on_click(event):
            pass
        """,
        id="relative-import",
    ),
    pytest.param(
        """
        from registry import handler

        @handler
        def bare(payload):
            pass
        """,
        id="decorator-without-call",
    ),
    pytest.param(
        """
        from registry import handle

        handle()
        handle(*["email.sned", print])
        """,
        id="no-task-type-argument",
    ),
]


@pytest.mark.parametrize(("source", "expected"), FAILING)
def test_unknown_type_reported(check: Check, source: str, expected: list) -> None:
    assert check(textwrap.dedent(source)) == expected


@pytest.mark.parametrize("source", PASSING)
def test_unknown_type_not_reported(check: Check, source: str) -> None:
    assert check(textwrap.dedent(source)) == []


def test_user_registry_constant_type(check: Check, small_registry) -> None:
    source = textwrap.dedent(
        """
        from registry import handler

        @handler("report.send")
        def send(payload):
            pass

        @handler("report.sent")
        def sent(payload):
            pass
        """
    )
    assert check(source, small_registry) == [
        "8:9: TSK001 task type 'report.sent' is not in the registry - "
        "did you mean 'report.send' or 'report.build'?"
    ]


def test_registry_read_when_options_skipped(monkeypatch) -> None:
    monkeypatch.setattr(TaskSpecChecker, "registry", None)
    source = 'from registry import handle\nhandle("email.sned", print)\n'
    checker = TaskSpecChecker(ast.parse(source), source.splitlines(True), "jobs.py")
    assert [(line, col) for line, col, _, _ in checker.run()] == [(2, 7)]
    assert TaskSpecChecker.registry is not None
