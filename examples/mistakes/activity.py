"""In-process event bus that feeds the admin activity stream.

Its `handler` decorator subscribes a listener to a domain event. It
shares the name with the task registry's decorator, but event names
are not task types, so the task checker leaves these alone.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, DefaultDict, List, Mapping

Event = Mapping[str, object]
Listener = Callable[[Event], None]

_listeners: DefaultDict[str, List[Listener]] = defaultdict(list)
activity_stream: List[str] = []


def handler(event_name: str) -> Callable[[Listener], Listener]:
    """Subscribe the decorated function to `event_name`."""
    def subscribe(listener: Listener) -> Listener:
        _listeners[event_name].append(listener)
        return listener
    return subscribe


def publish(event_name: str, event: Event) -> None:
    for listener in _listeners[event_name]:
        listener(event)


@handler("comment.created")
def record_comment(event: Event) -> None:
    activity_stream.append(f"{event['author']} commented on {event['post']}")


@handler("post.published")
def record_publication(event: Event) -> None:
    activity_stream.append(f"{event['editor']} published {event['post']}")
