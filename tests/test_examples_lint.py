"""flake8 with the checker over both example projects, as the demo runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MISTAKES = [
    "examples/mistakes/content_jobs.py:14:19: TSK001 task type "
    "'media.thumbnail.extact' is not in the registry - did you mean "
    "'media.thumbnail.extract'?",
    "examples/mistakes/content_jobs.py:22:19: TSK001 task type "
    "'search.reindex.posts' is not in the registry - did you mean "
    "'search.reindex.post', 'search.reindex.term' or 'search.reindex.comment'?",
    "examples/mistakes/importers.py:39:10: TSK002 task type "
    "'migrate.batch.users' is not idempotent but its handler has no "
    "compensation - add compensate=..., an @import_users.compensate function "
    "or a compensate method",
    "examples/mistakes/importers.py:49:10: TSK002 task type "
    "'migrate.batch.media' is not idempotent but its handler has no "
    "compensation - add compensate=..., an @import_media.compensate function "
    "or a compensate method",
    "examples/mistakes/notifications.py:14:10: TSK001 task type 'email.sned' "
    "is not in the registry - did you mean 'email.send' or 'email.verify'?",
    "examples/mistakes/notifications.py:29:8: TSK001 task type "
    "'webhook.delivr' is not in the registry - did you mean 'webhook.deliver'?",
    "examples/mistakes/notifications.py:33:10: TSK001 task type "
    "'report.weekly_digest' is not in the registry - add it to the registry "
    "or fix the name",
]


def flake8(folder: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cms_example_clean() -> None:
    completed = flake8("examples/cms_jobs")
    assert completed.stdout == ""
    assert completed.returncode == 0


def test_mistakes_example_findings() -> None:
    completed = flake8("examples/mistakes")
    assert sorted(completed.stdout.splitlines()) == MISTAKES
    assert completed.returncode == 1
