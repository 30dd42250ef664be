"""In-memory stand-ins for the services that the job handlers call.

Handlers reach every external system through the objects in this module,
so the package runs without a database, object storage, mail server or
HTTP endpoint. A deployment replaces each object with an adapter that has
the same methods. `reset()` empties every store, for example between tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import (
    Callable,
    Dict,
    FrozenSet,
    List,
    Mapping,
    Optional,
    Set,
    Tuple,
)

from registry import TaskMessage

Row = Dict[str, object]
CronHook = Callable[[Dict[str, object]], None]


class Clock:
    """Source of the current UTC time. Tests set `fixed` to pin it."""

    def __init__(self) -> None:
        self.fixed: Optional[datetime] = None

    def now(self) -> datetime:
        if self.fixed is not None:
            return self.fixed
        return datetime.now(timezone.utc)


class IdempotencyKeys:
    """Keys of side effects already performed, each kept until it expires.

    `claim` behaves like Redis `SET key 1 NX EX ttl`: only the first
    caller within the TTL gets True.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._expiry: Dict[str, datetime] = {}

    def claim(self, key: str, ttl: timedelta) -> bool:
        """Record `key` for `ttl`; return False if it is already recorded."""
        now = self._clock.now()
        expiry = self._expiry.get(key)
        if expiry is not None and expiry > now:
            return False
        self._expiry[key] = now + ttl
        return True

    def release(self, key: str) -> None:
        """Forget `key` so that a retry can perform the side effect again."""
        self._expiry.pop(key, None)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        expiry = self._expiry.get(key)
        return expiry is not None and expiry > self._clock.now()

    def clear(self) -> None:
        self._expiry.clear()


@dataclass
class Blob:
    data: bytes
    created: datetime
    last_read: datetime


class BlobStore:
    """Object storage keyed by path, in the manner of an S3 bucket.

    Set `quota_bytes` to make writes fail with OSError once the stored
    total would exceed it, as a full disk or bucket quota does.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.objects: Dict[str, Blob] = {}
        self.quota_bytes: Optional[int] = None

    def _check_quota(self, extra: int) -> None:
        if self.quota_bytes is None:
            return
        used = sum(len(blob.data) for blob in self.objects.values())
        if used + extra > self.quota_bytes:
            raise OSError(
                f"blob store quota of {self.quota_bytes} bytes exceeded: "
                f"{used} bytes stored, {extra} more requested"
            )

    def put(self, path: str, data: bytes) -> None:
        existing = self.objects.get(path)
        replaced = len(existing.data) if existing is not None else 0
        self._check_quota(len(data) - replaced)
        now = self._clock.now()
        self.objects[path] = Blob(data=data, created=now, last_read=now)

    def append(self, path: str, data: bytes) -> None:
        """Append `data` to the object at `path`, creating it if needed."""
        self._check_quota(len(data))
        blob = self.objects.get(path)
        if blob is None:
            now = self._clock.now()
            self.objects[path] = Blob(data=data, created=now, last_read=now)
        else:
            blob.data += data

    def read(self, path: str) -> bytes:
        blob = self.objects.get(path)
        if blob is None:
            raise FileNotFoundError(f"blob {path!r} not found")
        blob.last_read = self._clock.now()
        return blob.data

    def stat(self, path: str) -> Optional[Blob]:
        """Return the object at `path` without counting it as a read."""
        return self.objects.get(path)

    def exists(self, path: str) -> bool:
        return path in self.objects

    def move(self, source: str, destination: str) -> None:
        blob = self.objects.pop(source, None)
        if blob is None:
            raise FileNotFoundError(f"blob {source!r} not found")
        self.objects[destination] = blob

    def delete(self, path: str) -> bool:
        """Delete the object at `path`; return False if there was none."""
        return self.objects.pop(path, None) is not None

    def paths(self, prefix: str = "") -> List[str]:
        return sorted(p for p in self.objects if p.startswith(prefix))

    def clear(self) -> None:
        self.objects.clear()
        self.quota_bytes = None


class Table:
    """Rows keyed by primary key, in the manner of a database table."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows: Dict[str, Row] = {}

    def get(self, key: str) -> Optional[Row]:
        return self.rows.get(key)

    def upsert(self, key: str, row: Row) -> None:
        self.rows[key] = row

    def delete(self, key: str) -> bool:
        """Delete the row `key`; return False if there was none."""
        return self.rows.pop(key, None) is not None

    def select(self, predicate: Callable[[Row], bool]) -> List[Row]:
        return [row for row in self.rows.values() if predicate(row)]

    def delete_where(self, predicate: Callable[[Row], bool]) -> int:
        """Delete every row matching `predicate`; return how many."""
        doomed = [key for key, row in self.rows.items() if predicate(row)]
        for key in doomed:
            del self.rows[key]
        return len(doomed)

    def __len__(self) -> int:
        return len(self.rows)

    def clear(self) -> None:
        self.rows.clear()


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str
    headers: Mapping[str, str] = field(default_factory=dict)


class Mailer:
    """SMTP stand-in that keeps every sent message in `outbox`.

    Set `failures_left` to make the next sends raise ConnectionError.
    """

    def __init__(self) -> None:
        self.outbox: List[Email] = []
        self.failures_left = 0

    def send(self, email: Email) -> None:
        if self.failures_left > 0:
            self.failures_left -= 1
            raise ConnectionError("SMTP server closed the connection")
        self.outbox.append(email)

    def clear(self) -> None:
        self.outbox.clear()
        self.failures_left = 0


@dataclass(frozen=True)
class HttpRequest:
    url: str
    body: bytes
    headers: Mapping[str, str]


class HttpClient:
    """Async HTTP stand-in that records each POST.

    Each response is the next status queued in `statuses[url]`, or 200
    once that queue is empty.
    """

    def __init__(self) -> None:
        self.requests: List[HttpRequest] = []
        self.statuses: Dict[str, List[int]] = {}

    async def post(
        self, url: str, body: bytes, headers: Mapping[str, str]
    ) -> int:
        self.requests.append(HttpRequest(url, body, dict(headers)))
        queued = self.statuses.get(url)
        if queued:
            return queued.pop(0)
        return 200

    def clear(self) -> None:
        self.requests.clear()
        self.statuses.clear()


class PageCache:
    """Rendered pages keyed by URL path, each tagged with what it shows."""

    def __init__(self) -> None:
        self.pages: Dict[str, str] = {}
        self._paths_by_tag: Dict[str, Set[str]] = {}

    def put(self, path: str, html: str, tags: FrozenSet[str]) -> None:
        self.evict(path)
        self.pages[path] = html
        for tag in tags:
            self._paths_by_tag.setdefault(tag, set()).add(path)

    def paths_for_tag(self, tag: str) -> Set[str]:
        return set(self._paths_by_tag.get(tag, ()))

    def evict(self, path: str) -> bool:
        """Remove `path` and its tags; return False if it was not cached."""
        for paths in self._paths_by_tag.values():
            paths.discard(path)
        return self.pages.pop(path, None) is not None

    def clear(self) -> None:
        self.pages.clear()
        self._paths_by_tag.clear()


@dataclass(frozen=True)
class RenderedPage:
    html: str
    tags: FrozenSet[str]


class Frontend:
    """Next.js front-end stand-in.

    `routes` maps each path the site serves to its rendered page, and
    `revalidated` lists the paths passed to on-demand revalidation.
    """

    def __init__(self) -> None:
        self.routes: Dict[str, RenderedPage] = {}
        self.revalidated: List[str] = []

    def render(self, path: str) -> Optional[RenderedPage]:
        """Return the page at `path`, or None when the site has no route."""
        return self.routes.get(path)

    def revalidate(self, path: str) -> None:
        self.revalidated.append(path)

    def clear(self) -> None:
        self.routes.clear()
        self.revalidated.clear()


class SearchIndex:
    """Full-text index stand-in with documents keyed by '<kind>:<id>'."""

    def __init__(self) -> None:
        self.documents: Dict[str, Mapping[str, object]] = {}
        # Incremented by each full rebuild, like a new index behind an alias.
        self.generation = 0

    def upsert(self, doc_id: str, document: Mapping[str, object]) -> None:
        self.documents[doc_id] = document

    def delete(self, doc_id: str) -> bool:
        return self.documents.pop(doc_id, None) is not None

    def replace_all(
        self, documents: Mapping[str, Mapping[str, object]]
    ) -> None:
        self.documents = dict(documents)
        self.generation += 1

    def clear(self) -> None:
        self.documents.clear()
        self.generation = 0


class TaskBuffer:
    """Task messages in the order they were added.

    `follow_ups` contains the tasks that handlers enqueue, which a
    deployment sends to its broker. `dead_letters` contains the tasks
    that the broker archived after their last retry.
    """

    def __init__(self) -> None:
        self.messages: List[TaskMessage] = []

    def push(self, message: TaskMessage) -> TaskMessage:
        self.messages.append(message)
        return message

    def of_type(self, task_type: str) -> List[TaskMessage]:
        return [m for m in self.messages if m.task_type == task_type]

    def clear(self) -> None:
        self.messages.clear()


clock = Clock()
idempotency_keys = IdempotencyKeys(clock)
blobs = BlobStore(clock)
mailer = Mailer()
http = HttpClient()
page_cache = PageCache()
frontend = Frontend()
search_index = SearchIndex()
follow_ups = TaskBuffer()
dead_letters = TaskBuffer()

users = Table("users")
sessions = Table("sessions")
auth_tokens = Table("auth_tokens")
login_lockouts = Table("login_lockouts")
posts = Table("posts")
terms = Table("terms")
comments = Table("comments")
media = Table("media")
revisions = Table("revisions")
autosaves = Table("autosaves")
audit_log = Table("audit_log")
rum_beacons = Table("rum_beacons")
rum_buckets = Table("rum_buckets")
webhook_subscriptions = Table("webhook_subscriptions")
plugins = Table("plugins")
plugin_options = Table("plugin_options")

# Cron callbacks of installed plugins, keyed by (plugin slug, hook name).
# Each callback receives the plugin's options and may change them.
plugin_cron_hooks: Dict[Tuple[str, str], CronHook] = {}

TABLES = (
    users,
    sessions,
    auth_tokens,
    login_lockouts,
    posts,
    terms,
    comments,
    media,
    revisions,
    autosaves,
    audit_log,
    rum_beacons,
    rum_buckets,
    webhook_subscriptions,
    plugins,
    plugin_options,
)


def reset() -> None:
    """Empty every store and unpin the clock."""
    clock.fixed = None
    for service in (
        idempotency_keys,
        blobs,
        mailer,
        http,
        page_cache,
        frontend,
        search_index,
        follow_ups,
        dead_letters,
        *TABLES,
    ):
        service.clear()
    plugin_cron_hooks.clear()
