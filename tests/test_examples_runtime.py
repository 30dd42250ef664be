"""Runtime checks of the example jobs package in examples/cms_jobs.

Importing the package registers its handlers in registry.default_handlers.
The tests then call handlers through that registry, as a worker would.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))

import registry  # noqa: E402
import cms_jobs  # noqa: E402,F401
from cms_jobs import media, migrate, store  # noqa: E402

ALL_TASK_TYPES = (
    "email.send",
    "email.password_reset",
    "email.verify",
    "email.comment_notify",
    "webhook.deliver",
    "cache.invalidate.tag_fanout",
    "cache.warmup",
    "media.variant.generate",
    "media.video.transcode",
    "media.thumbnail.extract",
    "media.cleanup.orphans",
    "media.cleanup.cold_variants",
    "revalidate.next",
    "migrate.batch.posts",
    "migrate.batch.media",
    "migrate.batch.users",
    "migrate.verify",
    "audit.archive",
    "auth.session.cleanup",
    "auth.token.cleanup",
    "auth.brute_force.unlock",
    "search.reindex.post",
    "search.reindex.term",
    "search.reindex.comment",
    "search.reindex.full",
    "revisions.purge",
    "autosave.purge",
    "rum.aggregate",
    "plugin.activate",
    "plugin.deactivate",
    "plugin.uninstall.cleanup",
    "plugin.cron.tick",
    "webhook.retry.dlq.scan",
)

NON_IDEMPOTENT_TYPES = (
    "media.variant.generate",
    "media.video.transcode",
    "migrate.batch.posts",
    "migrate.batch.media",
    "migrate.batch.users",
)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def empty_stores() -> Iterator[None]:
    store.reset()
    store.clock.fixed = NOW
    yield
    store.reset()


def run(task_type: str, payload: Mapping[str, object]) -> Any:
    found = registry.default_handlers.get(task_type)
    assert found is not None, f"no handler registered for {task_type}"
    return found(payload)


def compensate(task_type: str, payload: Mapping[str, object]) -> Any:
    found = registry.default_handlers.get(task_type)
    assert found is not None, f"no handler registered for {task_type}"
    hook = found.compensation_hook()
    assert hook is not None, f"{task_type} has no compensation"
    return hook(payload)


def add_user(user_id: str, email: str, **fields: object) -> None:
    store.users.upsert(user_id, {"id": user_id, "email": email, **fields})


def add_media(media_id: str, data: bytes) -> str:
    path = f"originals/{media_id}/source.bin"
    store.blobs.put(path, data)
    store.media.upsert(media_id, {"id": media_id, "original_path": path})
    return path


# Registration


def test_catalog_matches_example_type_list() -> None:
    assert set(registry.task_types()) == set(ALL_TASK_TYPES)
    assert len(ALL_TASK_TYPES) == 33


@pytest.mark.parametrize("task_type", ALL_TASK_TYPES)
def test_catalog_type_has_handler(task_type: str) -> None:
    assert task_type in registry.default_handlers


def test_handler_count_matches_catalog() -> None:
    assert len(registry.default_handlers) == len(ALL_TASK_TYPES)


@pytest.mark.parametrize("task_type", NON_IDEMPOTENT_TYPES)
def test_non_idempotent_type_has_compensation(task_type: str) -> None:
    spec = registry.spec(task_type)
    assert spec is not None
    assert spec.idempotent is False
    found = registry.default_handlers.get(task_type)
    assert found is not None
    assert found.compensation_hook() is not None


def test_only_listed_types_are_non_idempotent() -> None:
    non_idempotent = {s.type for s in registry.CATALOG if not s.idempotent}
    assert non_idempotent == set(NON_IDEMPOTENT_TYPES)


# Email


def test_email_send_key_dedupes_second_send() -> None:
    payload = {
        "idempotency_key": "order-1042-confirmation",
        "to": "ada@example.org",
        "subject": "Order confirmed",
        "body": "Thanks for your order.",
    }
    assert run("email.send", payload) is True
    assert run("email.send", payload) is False
    assert len(store.mailer.outbox) == 1


def test_email_send_key_expires_after_24_hours() -> None:
    payload = {
        "idempotency_key": "digest-ada",
        "to": "ada@example.org",
        "subject": "Digest",
        "body": "Three new posts.",
    }
    run("email.send", payload)
    store.clock.fixed = NOW + timedelta(hours=24, seconds=1)
    assert run("email.send", payload) is True
    assert len(store.mailer.outbox) == 2


def test_email_send_failure_frees_key_for_retry() -> None:
    payload = {
        "idempotency_key": "welcome-ada",
        "to": "ada@example.org",
        "subject": "Welcome",
        "body": "Hello.",
    }
    store.mailer.failures_left = 1
    with pytest.raises(ConnectionError):
        run("email.send", payload)
    assert run("email.send", payload) is True
    assert len(store.mailer.outbox) == 1


def test_email_send_missing_field_names_it() -> None:
    with pytest.raises(ValueError, match="'to' is missing"):
        run("email.send", {"idempotency_key": "k", "subject": "s"})


def test_password_reset_key_lasts_one_hour() -> None:
    add_user("u1", "ada@example.org")
    payload = {
        "user_id": "u1",
        "request_id": "reset-77",
        "reset_url": "https://cms.example.org/reset/abc",
    }
    assert run("email.password_reset", payload) is True
    store.clock.fixed = NOW + timedelta(minutes=59)
    assert run("email.password_reset", payload) is False
    store.clock.fixed = NOW + timedelta(hours=1, seconds=1)
    assert run("email.password_reset", payload) is True
    assert len(store.mailer.outbox) == 2


def test_comment_notify_enqueues_email_send() -> None:
    add_user("author", "author@example.org")
    add_user("parent", "parent@example.org")
    add_user("muted", "muted@example.org", comment_emails=False)
    store.posts.upsert("p1", {
        "id": "p1", "title": "Hello", "slug": "hello", "author_id": "author",
    })
    store.comments.upsert("c0", {
        "id": "c0", "post_id": "p1", "user_id": "parent",
        "status": "approved", "author_name": "Pat", "body": "First!",
    })
    store.comments.upsert("c1", {
        "id": "c1", "post_id": "p1", "user_id": "muted", "parent_id": "c0",
        "status": "approved", "author_name": "Mo", "body": "Reply",
    })

    messages = run("email.comment_notify", {"comment_id": "c1"})

    assert [m.task_type for m in messages] == ["email.send", "email.send"]
    recipients = [m.payload["to"] for m in messages]
    assert recipients == ["author@example.org", "parent@example.org"]
    assert messages[0].options.queue == "default"


def test_comment_notify_retry_sends_no_duplicates() -> None:
    add_user("author", "author@example.org")
    store.posts.upsert("p1", {
        "id": "p1", "title": "Hello", "slug": "hello", "author_id": "author",
    })
    store.comments.upsert("c1", {
        "id": "c1", "post_id": "p1", "user_id": None,
        "status": "approved", "author_name": "Guest", "body": "Nice",
    })
    run("email.comment_notify", {"comment_id": "c1"})
    run("email.comment_notify", {"comment_id": "c1"})

    for message in store.follow_ups.of_type("email.send"):
        run("email.send", message.payload)
    assert len(store.follow_ups.of_type("email.send")) == 2
    assert len(store.mailer.outbox) == 1


# Webhooks


def add_subscription(url: str = "https://hooks.example.org/cms") -> None:
    store.webhook_subscriptions.upsert("sub-1", {
        "id": "sub-1", "url": url, "secret": "s3cret", "active": True,
    })


WEBHOOK_PAYLOAD = {
    "subscription_id": "sub-1",
    "event_id": "evt-9",
    "event_type": "post.published",
    "data": {"post_id": "p1"},
}


def test_webhook_deliver_is_async_and_signed() -> None:
    add_subscription()
    result = run("webhook.deliver", WEBHOOK_PAYLOAD)
    assert asyncio.iscoroutine(result)
    assert asyncio.run(result) == "delivered"

    request = store.http.requests[0]
    digest = hmac.new(b"s3cret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-CMS-Signature"] == f"sha256={digest}"


def test_webhook_deliver_dedupes_subscription_event() -> None:
    add_subscription()
    assert asyncio.run(run("webhook.deliver", WEBHOOK_PAYLOAD)) == "delivered"
    assert asyncio.run(run("webhook.deliver", WEBHOOK_PAYLOAD)) == "duplicate"
    assert len(store.http.requests) == 1


def test_webhook_deliver_server_error_allows_retry() -> None:
    add_subscription("https://hooks.example.org/flaky")
    store.http.statuses["https://hooks.example.org/flaky"] = [503]
    with pytest.raises(RuntimeError, match="HTTP 503"):
        asyncio.run(run("webhook.deliver", WEBHOOK_PAYLOAD))
    assert asyncio.run(run("webhook.deliver", WEBHOOK_PAYLOAD)) == "delivered"
    assert len(store.http.requests) == 2


def test_dlq_scan_requeues_active_subscription() -> None:
    add_subscription()
    archived = registry.enqueue("webhook.deliver", WEBHOOK_PAYLOAD)
    store.dead_letters.push(archived)
    store.dead_letters.push(registry.enqueue("email.send", {}))

    requeued = run("webhook.retry.dlq.scan", {})

    assert [m.task_type for m in requeued] == ["webhook.deliver"]
    assert dict(requeued[0].payload) == WEBHOOK_PAYLOAD
    assert [m.task_type for m in store.dead_letters.messages] == [
        "email.send"
    ]


# Cache and search


def test_tag_fanout_evicts_and_enqueues_revalidate() -> None:
    store.page_cache.put("/", "<h1>Home</h1>", frozenset({"post:p1"}))
    store.page_cache.put("/blog/a", "<h1>A</h1>", frozenset({"post:p1"}))
    store.page_cache.put("/about", "<h1>About</h1>", frozenset({"page:2"}))

    evicted = run("cache.invalidate.tag_fanout", {"tags": ["post:p1"]})

    assert evicted == ["/", "/blog/a"]
    assert sorted(store.page_cache.pages) == ["/about"]
    paths = [m.payload["path"] for m in store.follow_ups.messages]
    assert paths == ["/", "/blog/a"]


def test_post_reindex_enqueues_revalidate_next() -> None:
    store.terms.upsert("t1", {"id": "t1", "name": "Python", "slug": "py"})
    store.posts.upsert("p1", {
        "id": "p1", "title": "Hello", "slug": "hello", "status": "published",
        "body": "<p>Fish &amp; chips</p>", "term_ids": ["t1"],
    })

    assert run("search.reindex.post", {"post_id": "p1"}) == "indexed"

    document = store.search_index.documents["post:p1"]
    assert document["text"] == "Fish & chips"
    assert document["terms"] == ["Python"]
    [message] = store.follow_ups.messages
    assert message.task_type == "revalidate.next"
    assert message.payload == {"path": "/blog/hello"}


def test_post_reindex_deletes_unpublished_post() -> None:
    store.search_index.upsert("post:p1", {"kind": "post"})
    store.posts.upsert("p1", {"id": "p1", "status": "draft"})
    assert run("search.reindex.post", {"post_id": "p1"}) == "deleted"
    assert "post:p1" not in store.search_index.documents
    assert store.follow_ups.messages == []


# Media


def test_variant_compensation_removes_partial_file() -> None:
    add_media("m1", b"x" * (200 * 1024))
    payload = {"media_id": "m1", "width": 640, "format": "webp"}
    partial = "variants/m1/640w.webp.partial"
    store.blobs.quota_bytes = 300 * 1024

    with pytest.raises(OSError, match="quota"):
        run("media.variant.generate", payload)
    assert store.blobs.exists(partial)

    assert compensate("media.variant.generate", payload) is True
    assert not store.blobs.exists(partial)

    store.blobs.quota_bytes = None
    assert run("media.variant.generate", payload) == "variants/m1/640w.webp"
    assert store.media.rows["m1"]["variants"] == ["variants/m1/640w.webp"]


def test_variant_rejects_unknown_format() -> None:
    add_media("m1", b"x")
    with pytest.raises(ValueError, match="'gif'"):
        run("media.variant.generate", {
            "media_id": "m1", "width": 64, "format": "gif",
        })


def test_transcode_compensation_removes_segments() -> None:
    source = b"v" * (5 * media.SEGMENT_BYTES)
    add_media("m2", source)
    payload = {"media_id": "m2", "rendition": "720p"}
    store.blobs.quota_bytes = len(source) + 2 * media.SEGMENT_BYTES + 100

    with pytest.raises(OSError):
        run("media.video.transcode", payload)
    segments = store.blobs.paths("video/m2/720p/")
    assert segments == ["video/m2/720p/seg-00000.ts",
                        "video/m2/720p/seg-00001.ts"]

    assert compensate("media.video.transcode", payload) == 2
    assert store.blobs.paths("video/m2/") == []


def test_transcode_writes_playlist_last() -> None:
    add_media("m2", b"v" * (media.SEGMENT_BYTES + 1))
    playlist = run("media.video.transcode", {
        "media_id": "m2", "rendition": "360p",
    })
    assert playlist == "video/m2/360p/index.m3u8"
    text = store.blobs.read(playlist).decode()
    assert "seg-00000.ts" in text
    assert "seg-00001.ts" in text
    assert store.media.rows["m2"]["renditions"] == {"360p": playlist}


# Migration


def test_posts_batch_rollback_removes_partial_writes() -> None:
    add_user("user-wp-7", "ada@example.org")
    payload = {
        "batch_id": "wp-posts-0001",
        "source": "wp",
        "rows": [
            {"source_id": "1", "author_source_id": "7",
             "title": "One", "slug": "one"},
            {"source_id": "2", "author_source_id": "7",
             "title": "Two", "slug": "two"},
            {"source_id": "3", "author_source_id": "404",
             "title": "Three", "slug": "three"},
        ],
    }

    with pytest.raises(migrate.MigrationError, match="'404'"):
        run("migrate.batch.posts", payload)
    assert sorted(store.posts.rows) == ["post-wp-1", "post-wp-2"]

    assert compensate("migrate.batch.posts", payload) == 2
    assert len(store.posts) == 0


def test_posts_rollback_keeps_other_batches() -> None:
    store.posts.upsert("post-wp-0", {
        "id": "post-wp-0", "imported_batch": "wp-posts-0000",
    })
    compensate("migrate.batch.posts", {"batch_id": "wp-posts-0001"})
    assert list(store.posts.rows) == ["post-wp-0"]


def test_media_batch_rollback_deletes_files() -> None:
    good = base64.b64encode(b"png bytes").decode()
    payload = {
        "batch_id": "wp-media-0001",
        "source": "wp",
        "rows": [
            {"source_id": "10", "filename": "a.png", "content": good},
            {"source_id": "11", "filename": "b.png", "content": "%%%"},
        ],
    }

    with pytest.raises(migrate.MigrationError, match="base64"):
        run("migrate.batch.media", payload)
    assert store.blobs.paths() == ["originals/media-wp-10/a.png"]

    assert compensate("migrate.batch.media", payload) == 1
    assert store.blobs.paths() == []
    assert len(store.media) == 0


def test_users_batch_rollback_removes_partial_writes() -> None:
    payload = {
        "batch_id": "wp-users-0001",
        "source": "wp",
        "rows": [
            {"source_id": "1", "email": "Ada@Example.org", "role": "editor"},
            {"source_id": "2", "email": "ada@example.org"},
        ],
    }

    with pytest.raises(migrate.MigrationError, match="already belongs"):
        run("migrate.batch.users", payload)
    assert list(store.users.rows) == ["user-wp-1"]

    assert compensate("migrate.batch.users", payload) == 1
    assert len(store.users) == 0


def test_migrate_verify_enqueues_reindex_when_counts_match() -> None:
    add_user("user-wp-1", "ada@example.org", source="wp")
    mismatches = run("migrate.verify", {
        "source": "wp", "expected": {"users": 1, "posts": 0},
    })
    assert mismatches == {}
    types = [m.task_type for m in store.follow_ups.messages]
    assert types == ["search.reindex.full", "cache.warmup"]


def test_migrate_verify_reports_mismatch() -> None:
    mismatches = run("migrate.verify", {
        "source": "wp", "expected": {"posts": 3},
    })
    assert mismatches == {"posts": {"expected": 3, "imported": 0}}
    assert store.follow_ups.messages == []


# Maintenance and auth


def test_rum_rerun_replaces_bucket() -> None:
    start = NOW - timedelta(minutes=5)
    for index, value in enumerate([1200.0, 1800.0, 2500.0, 900.0]):
        store.rum_beacons.upsert(f"b{index}", {
            "at": start + timedelta(seconds=index),
            "path": "/", "metric": "LCP", "value": value,
        })
    payload = {
        "bucket_start": start.isoformat(),
        "bucket_end": NOW.isoformat(),
    }

    assert run("rum.aggregate", payload) == 4
    assert run("rum.aggregate", payload) == 4

    [bucket] = store.rum_buckets.rows.values()
    summary = bucket["pages"]["/"]["LCP"]
    assert summary["count"] == 4
    assert summary["p50"] == 1200.0
    assert summary["p95"] == 2500.0


def test_rum_rejects_empty_bucket_range() -> None:
    with pytest.raises(ValueError, match="must be after"):
        run("rum.aggregate", {
            "bucket_start": NOW.isoformat(),
            "bucket_end": NOW.isoformat(),
        })


def test_session_cleanup_deletes_expired_only() -> None:
    store.sessions.upsert("old", {"expires_at": NOW - timedelta(seconds=1)})
    store.sessions.upsert("live", {"expires_at": NOW + timedelta(hours=1)})
    assert run("auth.session.cleanup", {}) == 1
    assert list(store.sessions.rows) == ["live"]


def test_brute_force_unlock_waits_for_expiry() -> None:
    store.login_lockouts.upsert("ada|203.0.113.5", {
        "locked_until": NOW + timedelta(minutes=10), "failed_attempts": 8,
    })
    payload = {"account": "ada", "ip_address": "203.0.113.5"}
    assert run("auth.brute_force.unlock", payload) is False

    store.clock.fixed = NOW + timedelta(minutes=10)
    assert run("auth.brute_force.unlock", payload) is True
    assert len(store.login_lockouts) == 0
    assert len(store.audit_log) == 1


def test_plugin_cron_tick_runs_once_per_interval() -> None:
    calls = []
    store.plugins.upsert("seo", {
        "slug": "seo", "state": "installed", "cron": {"sitemap": 3600},
    })
    store.plugin_cron_hooks[("seo", "sitemap")] = calls.append
    tick = {"slug": "seo", "hook": "sitemap"}

    assert run("plugin.cron.tick", tick) is False
    assert run("plugin.activate", {"slug": "seo"}) is True
    assert run("plugin.cron.tick", tick) is True
    assert run("plugin.cron.tick", tick) is False
    assert len(calls) == 1
