"""Notification jobs of the shop extension: welcome emails, order
webhooks and the weekly sales report."""

from __future__ import annotations

import json
from typing import Mapping

from registry import TaskMessage, enqueue, handle, handler

Payload = Mapping[str, object]


@handler("email.sned")
def send_welcome_email(payload: Payload) -> TaskMessage:
    return enqueue("email.send", {
        "idempotency_key": f"welcome:{payload['customer_id']}",
        "to": payload["email"],
        "subject": "Welcome to the shop",
        "body": f"Hello {payload['name']}, thanks for signing up.",
    })


def deliver_order_webhook(payload: Payload) -> bytes:
    event = {"type": "order.paid", "order_id": payload["order_id"]}
    return json.dumps(event, sort_keys=True).encode()


handle("webhook.delivr", deliver_order_webhook)


# This type was never added to the registry, so no worker can run it.
@handler("report.weekly_digest")
def send_weekly_digest(payload: Payload) -> TaskMessage:
    totals = dict(payload.get("totals", {}))
    lines = [f"{name}: {amount}" for name, amount in sorted(totals.items())]
    return enqueue("email.send", {
        "idempotency_key": f"weekly-digest:{payload['week']}",
        "to": "owner@shop.example",
        "subject": "Sales this week",
        "body": "\n".join(lines),
    })
