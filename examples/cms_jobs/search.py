"""Search index upkeep for posts, taxonomy terms and comments.

Only published posts and approved comments are searchable. Reindexing a
content item that is gone or no longer public deletes its document.
"""

from __future__ import annotations

import html
import re
from typing import Dict, Mapping, Optional

from registry import enqueue
from registry.handlers import handle, handler

from cms_jobs import store
from cms_jobs.payloads import Payload, require_str

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def plain_text(markup: object) -> str:
    """Strip HTML tags and entities, and collapse whitespace."""
    text = html.unescape(_TAG.sub(" ", str(markup)))
    return _SPACE.sub(" ", text).strip()


def post_path(post: Mapping[str, object]) -> str:
    return f"/blog/{post['slug']}"


def post_document(post: Mapping[str, object]) -> Optional[Dict[str, object]]:
    """Build the search document of a post, or None if it is not public."""
    if post.get("status") != "published":
        return None
    term_names = []
    for term_id in post.get("term_ids", []):
        term = store.terms.get(str(term_id))
        if term is not None:
            term_names.append(term["name"])
    return {
        "kind": "post",
        "title": post["title"],
        "text": plain_text(post.get("body", "")),
        "terms": term_names,
        "path": post_path(post),
    }


def term_document(term: Mapping[str, object]) -> Dict[str, object]:
    return {
        "kind": "term",
        "title": term["name"],
        "taxonomy": term.get("taxonomy", "tag"),
        "path": f"/{term.get('taxonomy', 'tag')}/{term['slug']}",
    }


def comment_document(
    comment: Mapping[str, object],
) -> Optional[Dict[str, object]]:
    """Build the search document of a comment, or None if not approved."""
    if comment.get("status") != "approved":
        return None
    return {
        "kind": "comment",
        "text": plain_text(comment.get("body", "")),
        "post_id": comment["post_id"],
    }


@handler("search.reindex.post")
def reindex_post(payload: Payload) -> str:
    """Update or delete the document of one post.

    Enqueues a revalidate.next of the post's page when it is public, so
    the page and the search results change together. Returns "indexed"
    or "deleted".
    """
    post_id = require_str(payload, "post_id")
    post = store.posts.get(post_id)
    document = post_document(post) if post is not None else None
    if document is None:
        store.search_index.delete(f"post:{post_id}")
        return "deleted"
    store.search_index.upsert(f"post:{post_id}", document)
    message = enqueue("revalidate.next", {"path": document["path"]})
    store.follow_ups.push(message)
    return "indexed"


def reindex_term(payload: Payload) -> str:
    """Update or delete the document of one term.

    Post documents embed their term names, so a renamed term enqueues a
    search.reindex.post for every post that uses it.
    """
    term_id = require_str(payload, "term_id")
    term = store.terms.get(term_id)
    if term is None:
        store.search_index.delete(f"term:{term_id}")
        return "deleted"
    store.search_index.upsert(f"term:{term_id}", term_document(term))
    tagged = store.posts.select(
        lambda post: term_id in post.get("term_ids", [])
    )
    for post in tagged:
        message = enqueue("search.reindex.post", {"post_id": post["id"]})
        store.follow_ups.push(message)
    return "indexed"


def reindex_comment(payload: Payload) -> str:
    """Update or delete the document of one comment."""
    comment_id = require_str(payload, "comment_id")
    comment = store.comments.get(comment_id)
    document = comment_document(comment) if comment is not None else None
    if document is None:
        store.search_index.delete(f"comment:{comment_id}")
        return "deleted"
    store.search_index.upsert(f"comment:{comment_id}", document)
    return "indexed"


@handler("search.reindex.full")
def rebuild_index(payload: Payload) -> Dict[str, int]:
    """Rebuild the whole index and swap it in at once.

    Returns the number of documents per kind.
    """
    documents: Dict[str, Mapping[str, object]] = {}
    counts = {"post": 0, "term": 0, "comment": 0}
    for key, post in store.posts.rows.items():
        document = post_document(post)
        if document is not None:
            documents[f"post:{key}"] = document
            counts["post"] += 1
    for key, term in store.terms.rows.items():
        documents[f"term:{key}"] = term_document(term)
        counts["term"] += 1
    for key, comment in store.comments.rows.items():
        document = comment_document(comment)
        if document is not None:
            documents[f"comment:{key}"] = document
            counts["comment"] += 1
    store.search_index.replace_all(documents)
    return counts


handle("search.reindex.term", reindex_term)
handle("search.reindex.comment", reindex_comment)
