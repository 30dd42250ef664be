"""Task-type values: every literal spelling, constants, and TSK003."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable, List

import pytest

from flake8_taskspec.registry_index import read_registry

Check = Callable[..., List[str]]

SNED = (
    "TSK001 task type 'email.sned' is not in the registry - "
    "did you mean 'email.send' or 'email.verify'?"
)


def not_literal(expression: str) -> str:
    return (
        f"TSK003 task type {expression} is not a string literal, so the registry "
        "cannot check it - pass a literal or a module constant bound to one"
    )


# Each line registers "email.sned" in another spelling; the finding sits
# on the first character of the argument.
SPELLINGS = [
    pytest.param("handle('email.sned', print)", 7, id="single-quotes"),
    pytest.param('handle("email.sned", print)', 7, id="double-quotes"),
    pytest.param('handle("""email.sned""", print)', 7, id="triple-double"),
    pytest.param("handle('''email.sned''', print)", 7, id="triple-single"),
    pytest.param('handle("email." "sned", print)', 7, id="implicit-concatenation"),
    pytest.param('handle(("email.sned"), print)', 8, id="parentheses"),
    pytest.param('handle(r"email.sned", print)', 7, id="raw-prefix"),
    pytest.param('handle(u"email.sned", print)', 7, id="unicode-prefix"),
    pytest.param('handle(R"email" U"" ".sned", print)', 7, id="mixed-prefixes"),
    pytest.param('handle(task_type="email.sned", target=print)', 17, id="keyword"),
]


@pytest.mark.parametrize(("line", "column"), SPELLINGS)
def test_literal_spellings(check: Check, line: str, column: int) -> None:
    source = f"from registry import handle\n{line}\n"
    assert check(source) == [f"2:{column}: {SNED}"]


def test_concatenation_across_lines(check: Check) -> None:
    source = textwrap.dedent(
        """\
        from registry import handle
        handle(
            "email"
            ".sned",
            print,
        )
        """
    )
    assert check(source) == [f"3:4: {SNED}"]


def test_module_constant(check: Check) -> None:
    source = textwrap.dedent(
        """\
        from registry import handle, handler

        SEND = "email.sned"
        VERIFY: str = "email.verify"

        handle(SEND, print)

        @handler(VERIFY)
        def verify(payload):
            pass
        """
    )
    assert check(source) == [f"6:7: {SNED}"]


def test_constant_defined_after_use(check: Check) -> None:
    source = textwrap.dedent(
        """\
        from registry import handle

        def register():
            handle(SEND, print)

        SEND = "email.sned"
        """
    )
    assert check(source) == [f"4:11: {SNED}"]


NOT_LITERAL = [
    pytest.param('handle(f"email.{kind}", print)', 7, 'f"email.{kind}"', id="f-string"),
    pytest.param("handle(kind, print)", 7, "kind", id="parameter"),
    pytest.param('handle("email." + kind, print)', 7, '"email." + kind', id="sum"),
    pytest.param("handle(kinds[0], print)", 7, "kinds[0]", id="subscript"),
    pytest.param("handle(Kinds.SEND, print)", 7, "Kinds.SEND", id="attribute"),
    pytest.param('handle(b"email.send", print)', 7, 'b"email.send"', id="bytes"),
    pytest.param("handle(REBOUND, print)", 7, "REBOUND", id="rebound-constant"),
    pytest.param("handle(COMPUTED, print)", 7, "COMPUTED", id="computed-constant"),
    pytest.param(
        "handle(build_task_type('email', 'send', 'with', 'a', 'long', 'name'), print)",
        7,
        "build_task_type('email', 'send', 'wit...",
        id="long-expression-shortened",
    ),
]


@pytest.mark.parametrize(("line", "column", "expression"), NOT_LITERAL)
def test_not_a_literal(check: Check, line: str, column: int, expression: str) -> None:
    source = textwrap.dedent(
        """\
        from registry import handle

        REBOUND = "email.send"
        REBOUND = "email.verify"
        COMPUTED = "email" + ".send"

        def register(kind, kinds):
            {line}
        """
    ).format(line=line)
    assert check(source) == [f"8:{column + 4}: {not_literal(expression)}"]


def test_multiline_expression_on_one_line(check: Check) -> None:
    source = textwrap.dedent(
        """\
        from registry import handle

        def register(kind):
            handle(
                "email."
                + kind,
                print,
            )
        """
    )
    expected = not_literal('"email." + kind')
    assert check(source) == [f"5:8: {expected}"]


USER_REGISTRY = {
    "tasks/__init__.py": (
        "from .names import *\nfrom .names import REPORT_SEND as SEND\n"
    ),
    "tasks/names.py": 'REPORT_SEND = "report.send"\nREPORT_BUILD = "report.build"\n',
    "tasks/catalog.py": textwrap.dedent(
        """\
        from .names import REPORT_BUILD, REPORT_SEND

        CATALOG = (
            TaskSpec(type=REPORT_SEND, queue="low", idempotent=True),
            TaskSpec(type=REPORT_BUILD, queue="low", idempotent=False),
        )
        """
    ),
}


@pytest.fixture
def constants_registry(tmp_path: Path):
    for name, text in USER_REGISTRY.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return read_registry(str(tmp_path / "tasks"))


def test_registry_reexported_constants(constants_registry) -> None:
    assert constants_registry.constants == {
        "tasks.names.REPORT_SEND": "report.send",
        "tasks.names.REPORT_BUILD": "report.build",
        "tasks.catalog.REPORT_SEND": "report.send",
        "tasks.catalog.REPORT_BUILD": "report.build",
        "tasks.SEND": "report.send",
        "tasks.REPORT_SEND": "report.send",
        "tasks.REPORT_BUILD": "report.build",
    }


IMPORTED_CONSTANTS = [
    pytest.param("from tasks import REPORT_SEND as KIND", id="package-reexport"),
    pytest.param("from tasks import SEND as KIND", id="renamed-reexport"),
    pytest.param("from tasks.names import REPORT_SEND as KIND", id="defining-module"),
    pytest.param("import tasks.names\nKIND = 1", id="module-attribute"),
]


@pytest.mark.parametrize("import_line", IMPORTED_CONSTANTS)
def test_constant_from_registry(
    check: Check, constants_registry, import_line: str
) -> None:
    use = "tasks.names.REPORT_SEND" if "KIND = 1" in import_line else "KIND"
    source = f"from registry import handle\n{import_line}\nhandle({use}, print)\n"
    assert check(source, constants_registry) == []


def test_unknown_registry_constant(check: Check, constants_registry) -> None:
    source = (
        "from registry import handle\n"
        "from tasks import MISSING\n"
        "handle(MISSING, print)\n"
    )
    assert check(source, constants_registry) == [f"3:7: {not_literal('MISSING')}"]
