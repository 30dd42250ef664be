"""Every message the checker reports, in one table.

Codes are grouped by hundreds: 0xx for registration and enqueue sites,
1xx for the registry itself, 9xx for a file the checker could not
analyse. A retired code is never
reused. The README's code table is generated from ``MESSAGES``.
"""

from __future__ import annotations

from typing import NamedTuple, Tuple


class Message(NamedTuple):
    """One message shape: its code, the template and a one-line summary."""

    code: str
    template: str
    summary: str

    def format(self, **values: object) -> str:
        """Return the full flake8 text, ``CODE message``, with values filled in."""
        return f"{self.code} {self.text(**values)}"

    def text(self, **values: object) -> str:
        """Return the message without its code, with values filled in."""
        return self.template.format(**values)


UNKNOWN_TASK_TYPE = Message(
    code="TSK001",
    template=(
        "task type {task_type!r} is not in the registry - did you mean {suggestions}?"
    ),
    summary="A handler registration names a task type that is not in the registry.",
)
UNKNOWN_TASK_TYPE_NO_MATCH = Message(
    code="TSK001",
    template=(
        "task type {task_type!r} is not in the registry - "
        "add it to the registry or fix the name"
    ),
    summary="The same, when no registered name is close to the unknown one.",
)
MISSING_COMPENSATION = Message(
    code="TSK002",
    template=(
        "task type {task_type!r} is not idempotent but its handler has no "
        "compensation - add compensate=..., an @{hook_owner}.compensate "
        "function or a compensate method"
    ),
    summary="A handler of a non-idempotent task type declares no compensation hook.",
)
MISSING_COMPENSATION_UNNAMED = Message(
    code="TSK002",
    template=(
        "task type {task_type!r} is not idempotent but its handler has no "
        "compensation - pass compensate=... to the registration or give the "
        "handler class a compensate method"
    ),
    summary="The same, for a registration whose handler has no name to hook.",
)
NOT_A_LITERAL = Message(
    code="TSK003",
    template=(
        "task type {expression} is not a string literal, so the registry "
        "cannot check it - pass a literal or a module constant bound to one"
    ),
    summary=(
        "The task type is computed (an f-string, a parameter, a call), "
        "so it cannot be checked."
    ),
)
DUPLICATE_REGISTRATION = Message(
    code="TSK004",
    template=(
        "task type {task_type!r} is already registered on line {first_line} "
        "- keep one handler per task type"
    ),
    summary="A task type is registered twice in one file.",
)
UNKNOWN_ENQUEUED_TYPE = Message(
    code="TSK005",
    template=(
        "enqueued task type {task_type!r} is not in the registry - "
        "did you mean {suggestions}?"
    ),
    summary="An enqueue call names a task type that is not in the registry.",
)
UNKNOWN_ENQUEUED_TYPE_NO_MATCH = Message(
    code="TSK005",
    template=(
        "enqueued task type {task_type!r} is not in the registry - "
        "add it to the registry or fix the name"
    ),
    summary="The same, when no registered name is close to the unknown one.",
)
QUEUE_NOT_IN_TOPOLOGY = Message(
    code="TSK101",
    template=(
        "task type {task_type!r} names queue {queue!r}, which is not in the "
        "queue topology - use one of {queues} or add Queue(name={queue!r}, ...)"
    ),
    summary="A registry entry names a queue that no Queue(...) declares.",
)
DUPLICATE_TASK_TYPE = Message(
    code="TSK102",
    template=(
        "task type {task_type!r} is declared twice, first at {first} - "
        "remove or rename one entry"
    ),
    summary="The registry declares a task type twice.",
)
VALUE_OUT_OF_RANGE = Message(
    code="TSK103",
    template="task type {task_type!r} has {field} {value} - {fix}",
    summary=(
        "A registry entry has a negative retry count, a timeout of zero or "
        "less, a negative unique TTL, a backoff base above its maximum or an "
        "empty human name."
    ),
)
UNREADABLE_ENTRY = Message(
    code="TSK104",
    template="TaskSpec entry cannot be read without running it: {problem} - {fix}",
    summary=(
        "A registry entry whose type or idempotent flag is not a literal, "
        "or that has positional arguments."
    ),
)
UNPARSABLE_FILE = Message(
    code="TSK901",
    template="file not checked - libcst could not parse it: {error}",
    summary="libcst could not parse a file that Python's ast accepts.",
)
TOO_DEEPLY_NESTED = Message(
    code="TSK903",
    template=(
        "file not checked - it nests {depth} levels deep, more than the "
        "{limit} that libcst can parse safely"
    ),
    summary="A file whose expressions nest too deep for libcst to parse.",
)
INTERNAL_ERROR = Message(
    code="TSK902",
    template=(
        "file not checked - the checker failed with {error}, "
        "please report it with this file"
    ),
    summary="The checker hit an unexpected internal error on this file.",
)

MESSAGES: Tuple[Message, ...] = (
    UNKNOWN_TASK_TYPE,
    UNKNOWN_TASK_TYPE_NO_MATCH,
    MISSING_COMPENSATION,
    MISSING_COMPENSATION_UNNAMED,
    NOT_A_LITERAL,
    DUPLICATE_REGISTRATION,
    UNKNOWN_ENQUEUED_TYPE,
    UNKNOWN_ENQUEUED_TYPE_NO_MATCH,
    QUEUE_NOT_IN_TOPOLOGY,
    DUPLICATE_TASK_TYPE,
    VALUE_OUT_OF_RANGE,
    UNREADABLE_ENTRY,
    UNPARSABLE_FILE,
    INTERNAL_ERROR,
    TOO_DEEPLY_NESTED,
)


def quote_names(names: Tuple[str, ...]) -> str:
    """Return ``'a', 'b' or 'c'`` for a did-you-mean list."""
    quoted = [repr(name) for name in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


def single_line(text: str) -> str:
    """Collapse whitespace so an error text fits on one finding line."""
    return " ".join(text.split())


def code_table() -> str:
    """Return the README's Markdown table of every code and message."""
    rows = ["| code | message | when |", "|---|---|---|"]
    for message in MESSAGES:
        template = message.template.replace("|", "\\|")
        rows.append(f"| `{message.code}` | `{template}` | {message.summary} |")
    return "\n".join(rows) + "\n"
