"""Page cache: tag-based invalidation, warm-up, and on-demand
revalidation of the Next.js front end."""

from __future__ import annotations

from typing import Dict, List

import registry

from cms_jobs import store
from cms_jobs.payloads import (
    InvalidPayloadError,
    Payload,
    require_str,
    require_str_list,
)


@registry.handler("cache.invalidate.tag_fanout")
def fan_out_tag_invalidation(payload: Payload) -> List[str]:
    """Evict every cached page carrying one of the tags.

    Enqueues a revalidate.next per evicted path, so the front end
    rebuilds it, and returns the paths in sorted order. A retry finds the
    pages already evicted and enqueues nothing new.
    """
    tags = require_str_list(payload, "tags")
    paths = set()
    for tag in tags:
        paths.update(store.page_cache.paths_for_tag(tag))

    evicted = []
    for path in sorted(paths):
        if store.page_cache.evict(path):
            evicted.append(path)
            message = registry.enqueue("revalidate.next", {"path": path})
            store.follow_ups.push(message)
    return evicted


@registry.handler("cache.warmup")
def warm_up_pages(payload: Payload) -> Dict[str, List[str]]:
    """Render and cache the listed paths that are not cached yet.

    Returns the paths under "rendered", "cached" (already present) and
    "missing" (no route on the site).
    """
    result: Dict[str, List[str]] = {
        "rendered": [],
        "cached": [],
        "missing": [],
    }
    for path in require_str_list(payload, "paths"):
        if path in store.page_cache.pages:
            result["cached"].append(path)
            continue
        page = store.frontend.render(path)
        if page is None:
            result["missing"].append(path)
            continue
        store.page_cache.put(path, page.html, page.tags)
        result["rendered"].append(path)
    return result


@registry.handler("revalidate.next")
def revalidate_page(payload: Payload) -> str:
    """Ask the front end to rebuild one statically generated page."""
    path = require_str(payload, "path")
    if not path.startswith("/"):
        raise InvalidPayloadError(
            f"revalidate.next path must start with '/', got {path!r}"
        )
    store.frontend.revalidate(path)
    return path
