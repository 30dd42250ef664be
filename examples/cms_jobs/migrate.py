"""Import from another CMS in batches, and verification of the result.

The importer splits an export into batches of rows and enqueues one task
per batch. A batch writes row by row and stops at the first invalid row,
so each batch handler has a rollback that deletes what its batch wrote.
Every written row carries the batch id in `imported_batch` for that.
"""

from __future__ import annotations

import base64
import binascii
from typing import Callable, Dict, List, Mapping

from registry import enqueue, handler

from cms_jobs import store
from cms_jobs.payloads import Payload, require_rows, require_str

USER_ROLES = ("administrator", "editor", "author", "contributor", "reader")


class MigrationError(ValueError):
    """A row of an import batch is invalid or refers to a missing row."""


def _row_str(row: Mapping[str, object], name: str, batch_id: str) -> str:
    value = row.get(name)
    if not isinstance(value, str) or not value:
        raise MigrationError(
            f"batch {batch_id}: row {row.get('source_id')!r} has no "
            f"valid {name!r}"
        )
    return value


def _imported_by(batch_id: str) -> Callable[[store.Row], bool]:
    return lambda row: row.get("imported_batch") == batch_id


def media_id_for(source: str, source_id: str) -> str:
    return f"media-{source}-{source_id}"


@handler("migrate.batch.users")
def import_users(payload: Payload) -> List[str]:
    """Create a user per exported account; return the new user ids."""
    batch_id = require_str(payload, "batch_id")
    source = require_str(payload, "source")
    created = []
    for row in require_rows(payload, "rows"):
        source_id = _row_str(row, "source_id", batch_id)
        email = _row_str(row, "email", batch_id).lower()
        if "@" not in email:
            raise MigrationError(
                f"batch {batch_id}: user {source_id!r} has the invalid "
                f"email address {email!r}"
            )
        role = row.get("role", "reader")
        if role not in USER_ROLES:
            raise MigrationError(
                f"batch {batch_id}: user {source_id!r} has the unknown "
                f"role {role!r}; use one of {', '.join(USER_ROLES)}"
            )
        taken = store.users.select(lambda user: user["email"] == email)
        if taken:
            raise MigrationError(
                f"batch {batch_id}: email {email!r} of user {source_id!r} "
                "already belongs to another account"
            )
        user_id = f"user-{source}-{source_id}"
        store.users.upsert(user_id, {
            "id": user_id,
            "email": email,
            "display_name": row.get("display_name", email),
            "role": role,
            "source": source,
            "source_id": source_id,
            "imported_batch": batch_id,
        })
        created.append(user_id)
    return created


@import_users.compensate
def roll_back_users(payload: Payload) -> int:
    """Delete the users a failed batch created; return how many."""
    batch_id = require_str(payload, "batch_id")
    return store.users.delete_where(_imported_by(batch_id))


@handler("migrate.batch.media")
def import_media(payload: Payload) -> List[str]:
    """Store each exported file and create its media row.

    Rows carry the file content base64-encoded, because the importer
    reads it from the export archive.
    """
    batch_id = require_str(payload, "batch_id")
    source = require_str(payload, "source")
    created = []
    for row in require_rows(payload, "rows"):
        source_id = _row_str(row, "source_id", batch_id)
        filename = _row_str(row, "filename", batch_id)
        try:
            content = base64.b64decode(
                _row_str(row, "content", batch_id), validate=True
            )
        except binascii.Error as error:
            raise MigrationError(
                f"batch {batch_id}: media {source_id!r} content is not "
                f"valid base64: {error}"
            ) from error
        media_id = media_id_for(source, source_id)
        path = f"originals/{media_id}/{filename}"
        store.blobs.put(path, content)
        store.media.upsert(media_id, {
            "id": media_id,
            "original_path": path,
            "mime_type": row.get("mime_type", "application/octet-stream"),
            "source": source,
            "source_id": source_id,
            "imported_batch": batch_id,
        })
        created.append(media_id)
    return created


@import_media.compensate
def roll_back_media(payload: Payload) -> int:
    """Delete the files and media rows that a failed batch wrote.

    Files are found from the batch's rows rather than the media table,
    because a failure between storing a file and writing its row leaves
    a file with no row. Returns how many files were deleted.
    """
    batch_id = require_str(payload, "batch_id")
    source = require_str(payload, "source")
    deleted = 0
    for row in require_rows(payload, "rows"):
        media_id = media_id_for(source, str(row.get("source_id")))
        existing = store.media.get(media_id)
        if existing is not None and existing["imported_batch"] != batch_id:
            continue
        for path in store.blobs.paths(f"originals/{media_id}/"):
            if store.blobs.delete(path):
                deleted += 1
        store.media.delete(media_id)
    return deleted


@handler("migrate.batch.posts")
def import_posts(payload: Payload) -> List[str]:
    """Create a post per exported article; return the new post ids.

    Authors must have been imported by an earlier users batch.
    """
    batch_id = require_str(payload, "batch_id")
    source = require_str(payload, "source")
    created = []
    for row in require_rows(payload, "rows"):
        source_id = _row_str(row, "source_id", batch_id)
        author_source_id = _row_str(row, "author_source_id", batch_id)
        author_id = f"user-{source}-{author_source_id}"
        if store.users.get(author_id) is None:
            raise MigrationError(
                f"batch {batch_id}: post {source_id!r} names author "
                f"{author_source_id!r}, who was not imported; import the "
                "users first"
            )
        post_id = f"post-{source}-{source_id}"
        store.posts.upsert(post_id, {
            "id": post_id,
            "title": _row_str(row, "title", batch_id),
            "slug": _row_str(row, "slug", batch_id),
            "body": row.get("body", ""),
            "author_id": author_id,
            "status": row.get("status", "draft"),
            "term_ids": list(row.get("term_ids", [])),
            "source": source,
            "source_id": source_id,
            "imported_batch": batch_id,
        })
        created.append(post_id)
    return created


@import_posts.compensate
def roll_back_posts(payload: Payload) -> int:
    """Delete the posts a failed batch created; return how many."""
    batch_id = require_str(payload, "batch_id")
    return store.posts.delete_where(_imported_by(batch_id))


@handler("migrate.verify")
def verify_import(payload: Payload) -> Dict[str, Dict[str, int]]:
    """Compare imported row counts with the counts in the export.

    Returns {kind: {"expected": n, "imported": m}} for every kind whose
    counts differ. When none differ, enqueues a full search reindex and a
    warm-up of the home page, because the site now shows the new content.
    """
    source = require_str(payload, "source")
    expected = payload.get("expected")
    if not isinstance(expected, dict):
        raise MigrationError(
            "migrate.verify payload needs 'expected', an object of "
            "row counts by kind (posts, media, users)"
        )
    tables = {
        "posts": store.posts,
        "media": store.media,
        "users": store.users,
    }
    mismatches: Dict[str, Dict[str, int]] = {}
    for kind, count in sorted(expected.items()):
        table = tables.get(kind)
        if table is None:
            raise MigrationError(
                f"unknown kind {kind!r} in 'expected'; use one of "
                f"{', '.join(sorted(tables))}"
            )
        if isinstance(count, bool) or not isinstance(count, int):
            raise MigrationError(
                f"expected count of {kind!r} must be an integer, "
                f"got {count!r}"
            )
        imported = len(table.select(lambda row: row.get("source") == source))
        if imported != count:
            mismatches[kind] = {"expected": count, "imported": imported}

    if not mismatches:
        store.follow_ups.push(enqueue("search.reindex.full", {}))
        store.follow_ups.push(enqueue("cache.warmup", {"paths": ["/"]}))
    return mismatches
