"""Jobs that run after an editor saves a post or uploads a video."""

from __future__ import annotations

from typing import Dict, Mapping

import registry

Payload = Mapping[str, object]

THUMBNAIL_BYTES = 64 * 1024


@registry.handler("media.thumbnail.extact")
def extract_poster_frame(payload: Payload) -> bytes:
    source = bytes(payload["source"])
    offset = min(int(payload.get("offset", 0)), len(source))
    return source[offset:offset + THUMBNAIL_BYTES]


# The type is singular: one task per post.
@registry.handler("search.reindex.posts")
def reindex_post(payload: Payload) -> Dict[str, object]:
    return {
        "id": payload["post_id"],
        "title": payload.get("title", ""),
        "status": payload.get("status", "draft"),
    }
