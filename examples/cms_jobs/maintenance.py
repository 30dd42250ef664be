"""Low-priority upkeep: unused media files, audit log archiving, real
user monitoring (RUM) aggregation, and old revisions and autosaves."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta
from typing import Dict, List, Mapping, Tuple

import registry as r

from cms_jobs import store
from cms_jobs.payloads import (
    InvalidPayloadError,
    Payload,
    optional_int,
    require_datetime,
)

DEFAULT_ORPHAN_GRACE_HOURS = 24
DEFAULT_VARIANT_IDLE_DAYS = 90
DEFAULT_REVISIONS_KEPT = 25
DEFAULT_REVISION_MAX_AGE_DAYS = 90
DEFAULT_AUTOSAVE_MAX_AGE_HOURS = 24
RUM_PERCENTILES = (50, 75, 95)


@r.handler("media.cleanup.orphans")
def delete_orphan_originals(payload: Payload) -> List[str]:
    """Delete uploaded originals that no media row refers to.

    Files younger than `grace_hours` are kept, because an upload stores
    the file before it commits the row. Returns the deleted paths.
    """
    grace = timedelta(
        hours=optional_int(payload, "grace_hours", DEFAULT_ORPHAN_GRACE_HOURS)
    )
    cutoff = store.clock.now() - grace
    referenced = {row["original_path"] for row in store.media.rows.values()}
    deleted = []
    for path in store.blobs.paths("originals/"):
        blob = store.blobs.stat(path)
        if path in referenced or blob is None or blob.created > cutoff:
            continue
        store.blobs.delete(path)
        deleted.append(path)
    return deleted


@r.handler("media.cleanup.cold_variants")
def delete_cold_variants(payload: Payload) -> List[str]:
    """Delete image variants not read for `idle_days` days.

    Returns the deleted paths. A media.variant.generate task can create
    a deleted variant again.
    """
    idle = timedelta(
        days=optional_int(payload, "idle_days", DEFAULT_VARIANT_IDLE_DAYS)
    )
    cutoff = store.clock.now() - idle
    deleted = []
    for path in store.blobs.paths("variants/"):
        blob = store.blobs.stat(path)
        # A '.partial' file belongs to a generation in progress or to a
        # failed one whose compensation has not run yet.
        if blob is None or path.endswith(".partial"):
            continue
        if blob.last_read < cutoff:
            store.blobs.delete(path)
            deleted.append(path)
    for row in store.media.rows.values():
        if row.get("variants"):
            row["variants"] = [v for v in row["variants"] if v not in deleted]
    return deleted


def _archive_path(day: datetime) -> str:
    return f"audit/{day:%Y/%m/%d}.jsonl.gz"


@r.handler("audit.archive")
def archive_audit_log(payload: Payload) -> Dict[str, int]:
    """Move audit entries older than `before` into daily gzip archives.

    Each day is merged into its archive file by entry id and deleted
    from the live log only after the file is written, so a retry after a
    crash rewrites the same file and loses nothing. Returns the number of
    entries archived per file.
    """
    before = require_datetime(payload, "before")
    entries_by_day: Dict[str, List[Mapping[str, object]]] = {}
    for entry in store.audit_log.select(lambda row: row["at"] < before):
        path = _archive_path(entry["at"])
        entries_by_day.setdefault(path, []).append(entry)

    archived = {}
    for path, entries in sorted(entries_by_day.items()):
        merged: Dict[str, Mapping[str, object]] = {}
        if store.blobs.exists(path):
            for line in gzip.decompress(store.blobs.read(path)).splitlines():
                old = json.loads(line)
                merged[old["id"]] = old
        for entry in entries:
            merged[str(entry["id"])] = {**entry, "at": entry["at"].isoformat()}
        lines = [
            json.dumps(merged[entry_id], sort_keys=True)
            for entry_id in sorted(merged)
        ]
        store.blobs.put(path, gzip.compress("\n".join(lines).encode()))
        archived_ids = {entry["id"] for entry in entries}
        store.audit_log.delete_where(lambda row: row["id"] in archived_ids)
        archived[path] = len(entries)
    return archived


def percentile(sorted_values: List[float], rank: int) -> float:
    """Return the nearest-rank percentile `rank` of a sorted list."""
    index = max(0, -(-rank * len(sorted_values) // 100) - 1)
    return sorted_values[index]


@r.handler("rum.aggregate")
def aggregate_rum(payload: Payload) -> int:
    """Summarise the RUM beacons of one time bucket per page and metric.

    The summary row is keyed by (bucket start, bucket end), so a retry
    or a rerun after late beacons replaces it rather than counting the
    beacons twice. Returns the number of beacons in the bucket.
    """
    start = require_datetime(payload, "bucket_start")
    end = require_datetime(payload, "bucket_end")
    if end <= start:
        raise InvalidPayloadError(
            f"rum.aggregate bucket_end {end.isoformat()} must be after "
            f"bucket_start {start.isoformat()}"
        )
    beacons = store.rum_beacons.select(lambda row: start <= row["at"] < end)
    values: Dict[Tuple[str, str], List[float]] = {}
    for beacon in beacons:
        series = (str(beacon["path"]), str(beacon["metric"]))
        values.setdefault(series, []).append(float(beacon["value"]))

    pages = {}
    for (path, metric), series_values in sorted(values.items()):
        series_values.sort()
        summary: Dict[str, float] = {"count": len(series_values)}
        for rank in RUM_PERCENTILES:
            summary[f"p{rank}"] = percentile(series_values, rank)
        pages.setdefault(path, {})[metric] = summary

    key = f"{start.isoformat()}/{end.isoformat()}"
    store.rum_buckets.upsert(key, {
        "bucket_start": start,
        "bucket_end": end,
        "beacons": len(beacons),
        "pages": pages,
    })
    return len(beacons)


def purge_revisions(payload: Payload) -> int:
    """Delete old post revisions; return how many.

    The newest `keep` revisions of each post always stay. Older ones
    go once they are more than `max_age_days` days old.
    """
    keep = optional_int(payload, "keep", DEFAULT_REVISIONS_KEPT, minimum=1)
    max_age = timedelta(
        days=optional_int(
            payload, "max_age_days", DEFAULT_REVISION_MAX_AGE_DAYS
        )
    )
    cutoff = store.clock.now() - max_age
    by_post: Dict[str, List[Mapping[str, object]]] = {}
    for revision in store.revisions.rows.values():
        by_post.setdefault(str(revision["post_id"]), []).append(revision)

    doomed = set()
    for revisions in by_post.values():
        revisions.sort(key=lambda row: row["created_at"], reverse=True)
        for revision in revisions[keep:]:
            if revision["created_at"] < cutoff:
                doomed.add(revision["id"])
    return store.revisions.delete_where(lambda row: row["id"] in doomed)


r.handle("revisions.purge", purge_revisions)


@r.handler("autosave.purge")
def purge_autosaves(payload: Payload) -> int:
    """Delete stale autosaves; return how many.

    An autosave is stale when it is older than `max_age_hours` or its
    post was saved after it, which makes the autosave out of date.
    """
    max_age = timedelta(
        hours=optional_int(
            payload, "max_age_hours", DEFAULT_AUTOSAVE_MAX_AGE_HOURS
        )
    )
    cutoff = store.clock.now() - max_age

    def is_stale(autosave: Mapping[str, object]) -> bool:
        if autosave["saved_at"] < cutoff:
            return True
        post = store.posts.get(str(autosave["post_id"]))
        if post is None:
            return True
        updated_at = post.get("updated_at")
        return updated_at is not None and updated_at > autosave["saved_at"]

    return store.autosaves.delete_where(is_stale)
