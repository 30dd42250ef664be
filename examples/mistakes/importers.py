"""Batch jobs of the WordPress importer.

Each batch writes rows one by one, so a batch that fails part-way has
to delete its rows before the worker retries it.
"""

from __future__ import annotations

from typing import Dict, List, Mapping

from registry import handler

Payload = Mapping[str, object]

imported_posts: Dict[str, Mapping[str, object]] = {}
imported_users: Dict[str, Mapping[str, object]] = {}
imported_media: Dict[str, Mapping[str, object]] = {}


def batch_rows(payload: Payload) -> List[Mapping[str, object]]:
    return list(payload["rows"])


@handler("migrate.batch.posts")
def import_posts(payload: Payload) -> int:
    for row in batch_rows(payload):
        imported_posts[str(row["id"])] = {**row, "batch": payload["batch"]}
    return len(imported_posts)


@import_posts.compensate
def roll_back_posts(payload: Payload) -> None:
    for post_id, row in list(imported_posts.items()):
        if row["batch"] == payload["batch"]:
            del imported_posts[post_id]


# No compensation: a retry adds to the users a failed attempt left behind.
@handler("migrate.batch.users")
def import_users(payload: Payload) -> int:
    for row in batch_rows(payload):
        if "@" not in str(row["email"]):
            raise ValueError(f"invalid email address {row['email']!r}")
        imported_users[str(row["id"])] = {**row, "batch": payload["batch"]}
    return len(imported_users)


# compensate=None declares no compensation at all.
@handler("migrate.batch.media", compensate=None)
def import_media(payload: Payload) -> int:
    for row in batch_rows(payload):
        imported_media[str(row["id"])] = {**row, "batch": payload["batch"]}
    return len(imported_media)
