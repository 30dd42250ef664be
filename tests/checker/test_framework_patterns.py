"""Patterns for other task frameworks, and the pattern syntax itself.

The sources below use Celery, Dramatiq and arq as text only: the checker
never imports these libraries, and the tests do not need them installed.
"""

from __future__ import annotations

import textwrap
from typing import Callable, List

import pytest

from flake8_taskspec.patterns import (
    CallPattern,
    PatternError,
    Role,
    parse_pattern,
    parse_schedule_name,
)

Check = Callable[..., List[str]]

CELERY_REGISTRARS = ("*.task:name", "celery.shared_task:name")
CELERY_ENQUEUERS = ("*.send_task", "celery.signature", "*.signature")
DRAMATIQ_REGISTRARS = ("dramatiq.actor:actor_name",)
ARQ_REGISTRARS = ("arq.worker.func:name",)
ARQ_ENQUEUERS = ("*.enqueue_job",)


def unknown(task_type: str, suggestions: str) -> str:
    return (
        f"TSK001 task type {task_type!r} is not in the registry - "
        f"did you mean {suggestions}?"
    )


def unknown_enqueued(task_type: str, suggestions: str) -> str:
    return (
        f"TSK005 enqueued task type {task_type!r} is not in the registry - "
        f"did you mean {suggestions}?"
    )


CELERY = textwrap.dedent(
    """\
    from celery import Celery, shared_task, signature

    app = Celery("cms")


    @app.task(name="email.sned", bind=True, max_retries=10)
    def send_email(self, payload):
        pass


    @shared_task(name="search.reindex.post")
    def reindex_post(post_id):
        pass


    @app.task(bind=True)
    def unnamed(self):
        pass


    def publish(post_id):
        app.send_task("search.reindex.psot", args=[post_id])
        signature("revalidate.next", args=["/"]).delay()
        app.signature("cache.warmpu").delay()
    """
)


def test_celery_recipe(check: Check) -> None:
    findings = check(CELERY, patterns=CELERY_REGISTRARS, enqueuers=CELERY_ENQUEUERS)
    assert findings == [
        "6:15: " + unknown("email.sned", "'email.send' or 'email.verify'"),
        "22:18: "
        + unknown_enqueued(
            "search.reindex.psot",
            "'search.reindex.post', 'search.reindex.term' or 'search.reindex.comment'",
        ),
        "24:18: " + unknown_enqueued("cache.warmpu", "'cache.warmup'"),
    ]


def test_celery_without_patterns(check: Check) -> None:
    assert check(CELERY) == []


DRAMATIQ = textwrap.dedent(
    """\
    import dramatiq


    @dramatiq.actor(actor_name="media.thumbnail.extract", queue_name="media")
    def extract(asset_id):
        pass


    @dramatiq.actor(actor_name="media.thumbnail.extact")
    def extract_again(asset_id):
        pass


    @dramatiq.actor
    def plain(asset_id):
        pass
    """
)


def test_dramatiq_recipe(check: Check) -> None:
    assert check(DRAMATIQ, patterns=DRAMATIQ_REGISTRARS) == [
        "9:27: " + unknown("media.thumbnail.extact", "'media.thumbnail.extract'")
    ]


ARQ = textwrap.dedent(
    """\
    from arq.worker import func


    async def rebuild(ctx, term_id):
        await ctx["redis"].enqueue_job("search.reindex.trem", term_id)


    class WorkerSettings:
        functions = [func(rebuild, name="search.reindex.term")]
    """
)


def test_arq_recipe(check: Check) -> None:
    findings = check(ARQ, patterns=ARQ_REGISTRARS, enqueuers=ARQ_ENQUEUERS)
    assert findings == [
        "5:35: "
        + unknown_enqueued(
            "search.reindex.trem",
            "'search.reindex.term', 'search.reindex.post' or 'search.reindex.full'",
        )
    ]


BEAT_SCHEDULES = ("beat_schedule", "CELERY_BEAT_SCHEDULE")
PRUNE = (
    "TSK005 enqueued task type 'revisions.prune' is not in the registry - "
    "did you mean 'revisions.purge'?"
)

SCHEDULES = [
    pytest.param(
        """\
        app.conf.beat_schedule = {
            "purge-revisions": {"task": "revisions.prune", "schedule": 3600.0},
            "purge-autosaves": {"task": "autosave.purge", "schedule": 600.0},
        }
        """,
        [f"2:32: {PRUNE}"],
        id="attribute-assignment",
    ),
    pytest.param(
        """\
        CELERY_BEAT_SCHEDULE: dict = {
            "purge": dict(task="revisions.prune"),
            "scan": {"schedule": 60.0, "task": "revisions.prune"},
        }
        """,
        [f"2:23: {PRUNE}", f"3:39: {PRUNE}"],
        id="settings-constant",
    ),
    pytest.param(
        """\
        app.conf.beat_schedule["purge"] = {"task": "revisions.prune"}
        """,
        [f"1:43: {PRUNE}"],
        id="subscript-assignment",
    ),
    pytest.param(
        """\
        app.conf.update(beat_schedule={"purge": {"task": "revisions.prune"}})
        """,
        [f"1:49: {PRUNE}"],
        id="update-keyword",
    ),
    pytest.param(
        """\
        def schedule(kind):
            return {"beat_schedule": {"x": {"task": kind}}}

        beat_schedule = {"x": {"task": TASK_PREFIX + "purge"}}
        """,
        [
            '4:31: TSK003 task type TASK_PREFIX + "purge" is not a string '
            "literal, so the registry cannot check it - pass a literal or a "
            "module constant bound to one"
        ],
        id="computed-task",
    ),
]


@pytest.mark.parametrize(("source", "expected"), SCHEDULES)
def test_beat_schedule(check: Check, source: str, expected: list) -> None:
    findings = check(textwrap.dedent(source), schedules=BEAT_SCHEDULES)
    assert findings == expected


def test_beat_schedule_off_by_default(check: Check) -> None:
    source = 'beat_schedule = {"purge": {"task": "revisions.prune"}}\n'
    assert check(source) == []


def test_method_pattern_needs_attribute(check: Check) -> None:
    source = 'from tasks import send_task\nsend_task("email.sned")\n'
    assert check(source, enqueuers=("*.send_task",)) == []


VALID_PATTERNS = [
    ("celery.shared_task", CallPattern("celery.shared_task", Role.REGISTRAR)),
    (
        "celery.shared_task:name",
        CallPattern(
            "celery.shared_task", Role.REGISTRAR, position=None, keyword="name"
        ),
    ),
    ("*.send_task", CallPattern("*.send_task", Role.REGISTRAR)),
    (
        " *.task:name ",
        CallPattern("*.task", Role.REGISTRAR, position=None, keyword="name"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), VALID_PATTERNS)
def test_pattern_parsed(text: str, expected: CallPattern) -> None:
    assert parse_pattern(text, Role.REGISTRAR) == expected


INVALID_PATTERNS = [
    "shared_task",
    "*",
    "*.",
    "*.a.b",
    "celery.",
    "celery..task",
    "celery.task:",
    "celery.task:na me",
    "celery.task:name:extra",
    "1celery.task",
    "celery-beat.task",
    "",
]


@pytest.mark.parametrize("text", INVALID_PATTERNS)
def test_pattern_rejected(text: str) -> None:
    with pytest.raises(PatternError) as raised:
        parse_pattern(text, Role.ENQUEUER)
    assert str(raised.value) == (
        "invalid pattern, write module.callable or *.method, optionally "
        "followed by :keyword, for example celery.shared_task:name"
    )


def test_schedule_name_rejected() -> None:
    with pytest.raises(PatternError) as raised:
        parse_schedule_name("app.conf.beat_schedule")
    assert str(raised.value) == (
        "invalid name, write the variable or attribute that contains the "
        "schedule, for example beat_schedule"
    )
