"""Outgoing webhooks: signed delivery, and requeueing of deliveries that
ran out of retries once their subscription works again."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import List

from registry import TaskMessage, enqueue, handle, handler

from cms_jobs import store
from cms_jobs.payloads import Payload, optional_int, require_str

# Longer than the whole retry schedule (about 7 h 13 min plus jitter), so
# a duplicate enqueue of a delivered event is still suppressed at the end.
DELIVERY_KEY_TTL = timedelta(hours=24)
DEFAULT_SCAN_LIMIT = 500


class WebhookDeliveryError(RuntimeError):
    """The subscriber responded with a status other than 2xx or 410."""


def sign(secret: str, body: bytes) -> str:
    """Return the X-CMS-Signature header value for `body`."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@handler("webhook.deliver")
async def deliver_webhook(payload: Payload) -> str:
    """POST one event to one subscription unless already delivered.

    Returns "delivered", "duplicate" when the (subscription, event) pair
    was delivered in the last 24 hours, or "skipped" for a missing or
    disabled subscription. A 410 Gone disables the subscription. Any other non-2xx
    status raises WebhookDeliveryError, so the broker retries.
    """
    subscription_id = require_str(payload, "subscription_id")
    event_id = require_str(payload, "event_id")
    event_type = require_str(payload, "event_type")
    data = payload.get("data", {})

    subscription = store.webhook_subscriptions.get(subscription_id)
    if subscription is None or not subscription.get("active"):
        return "skipped"

    key = f"webhook:{subscription_id}:{event_id}"
    if not store.idempotency_keys.claim(key, DELIVERY_KEY_TTL):
        return "duplicate"

    body = json.dumps(
        {"id": event_id, "type": event_type, "data": data}, sort_keys=True
    ).encode()
    headers = {
        "Content-Type": "application/json",
        "X-CMS-Event": event_type,
        "X-CMS-Delivery": event_id,
        "X-CMS-Signature": sign(str(subscription["secret"]), body),
    }
    try:
        status = await store.http.post(
            str(subscription["url"]), body, headers
        )
    except BaseException:
        store.idempotency_keys.release(key)
        raise

    if status == 410:
        subscription["active"] = False
        return "skipped"
    if not 200 <= status < 300:
        store.idempotency_keys.release(key)
        raise WebhookDeliveryError(
            f"webhook subscription {subscription_id} returned HTTP {status} "
            f"for event {event_id}; the broker will retry"
        )
    return "delivered"


def requeue_dead_webhooks(payload: Payload) -> List[TaskMessage]:
    """Enqueue again the archived deliveries of now-active subscriptions.

    At most `limit` deliveries are requeued per run. Deliveries of
    disabled subscriptions stay archived, and those of deleted
    subscriptions are dropped.
    """
    limit = optional_int(payload, "limit", DEFAULT_SCAN_LIMIT, minimum=1)
    requeued: List[TaskMessage] = []
    remaining: List[TaskMessage] = []
    for message in store.dead_letters.messages:
        if message.task_type != "webhook.deliver" or len(requeued) >= limit:
            remaining.append(message)
            continue
        subscription_id = str(message.payload.get("subscription_id"))
        subscription = store.webhook_subscriptions.get(subscription_id)
        if subscription is None:
            continue
        if not subscription.get("active"):
            remaining.append(message)
            continue
        retry = enqueue("webhook.deliver", dict(message.payload))
        requeued.append(store.follow_ups.push(retry))
    store.dead_letters.messages[:] = remaining
    return requeued


handle("webhook.retry.dlq.scan", requeue_dead_webhooks)
