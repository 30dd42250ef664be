"""Transactional email: generic sends, password reset, address
verification and new-comment notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import List

from registry import TaskMessage, enqueue, handle, handler

from cms_jobs import store
from cms_jobs.payloads import Payload, optional_str, require_str

SEND_KEY_TTL = timedelta(hours=24)
# A reset link expires after an hour, so a resend after that is a new
# request and must not be suppressed.
PASSWORD_RESET_KEY_TTL = timedelta(hours=1)
VERIFY_KEY_TTL = timedelta(hours=24)


def send_once(key: str, ttl: timedelta, message: store.Email) -> bool:
    """Send `message` unless `key` was claimed within `ttl`.

    Returns whether the message was sent. A retry whose earlier attempt
    sent the message but crashed before the broker acknowledged it finds
    the key taken and sends nothing.
    """
    if not store.idempotency_keys.claim(key, ttl):
        return False
    try:
        store.mailer.send(message)
    except BaseException:
        # Free the key so that the retry sends the message.
        store.idempotency_keys.release(key)
        raise
    return True


@handler("email.send")
def send_email(payload: Payload) -> bool:
    """Send one transactional email unless its key was used in 24 hours."""
    key = require_str(payload, "idempotency_key")
    headers = {"Message-ID": f"<{key}@mail.cms.invalid>"}
    reply_to = optional_str(payload, "reply_to")
    if reply_to is not None:
        headers["Reply-To"] = reply_to
    message = store.Email(
        to=require_str(payload, "to"),
        subject=require_str(payload, "subject"),
        body=require_str(payload, "body"),
        headers=headers,
    )
    return send_once(f"email:{key}", SEND_KEY_TTL, message)


@handler("email.password_reset")
def send_password_reset(payload: Payload) -> bool:
    """Email a password reset link unless the account was deleted."""
    user_id = require_str(payload, "user_id")
    request_id = require_str(payload, "request_id")
    reset_url = require_str(payload, "reset_url")
    user = store.users.get(user_id)
    if user is None:
        return False
    message = store.Email(
        to=str(user["email"]),
        subject="Reset your password",
        body=(
            f"Someone asked to reset the password for {user['email']}.\n"
            f"Open {reset_url} within the next hour to choose a new one.\n"
            "If it was not you, ignore this email."
        ),
    )
    return send_once(
        f"password_reset:{request_id}", PASSWORD_RESET_KEY_TTL, message
    )


@handler("email.verify")
def send_verification(payload: Payload) -> bool:
    """Email an address verification link, once per user and address."""
    user_id = require_str(payload, "user_id")
    address = require_str(payload, "address")
    verify_url = require_str(payload, "verify_url")
    message = store.Email(
        to=address,
        subject="Confirm your email address",
        body=f"Confirm that this address is yours: {verify_url}",
    )
    return send_once(f"verify:{user_id}:{address}", VERIFY_KEY_TTL, message)


def notify_comment(payload: Payload) -> List[TaskMessage]:
    """Enqueue an email.send for each person a new comment concerns.

    The post author and, for a reply, the author of the parent comment
    get an email, except the commenter and anyone who turned these
    emails off. Each email's idempotency key names the comment and the
    recipient, so a retry of this task sends nobody a second copy.
    """
    comment_id = require_str(payload, "comment_id")
    comment = store.comments.get(comment_id)
    if comment is None or comment.get("status") != "approved":
        return []
    post = store.posts.get(str(comment["post_id"]))
    if post is None:
        return []

    recipient_ids = [str(post["author_id"])]
    parent_id = comment.get("parent_id")
    if parent_id is not None:
        parent = store.comments.get(str(parent_id))
        if parent is not None and parent.get("user_id") is not None:
            recipient_ids.append(str(parent["user_id"]))

    messages = []
    for user_id in dict.fromkeys(recipient_ids):
        if user_id == comment.get("user_id"):
            continue
        user = store.users.get(user_id)
        if user is None or not user.get("comment_emails", True):
            continue
        email_payload = {
            "idempotency_key": f"comment_notify:{comment_id}:{user_id}",
            "to": user["email"],
            "subject": f"New comment on \"{post['title']}\"",
            "body": (
                f"{comment['author_name']} wrote:\n\n{comment['body']}\n\n"
                f"Reply at /blog/{post['slug']}#comment-{comment_id}"
            ),
        }
        message = enqueue("email.send", email_payload)
        messages.append(store.follow_ups.push(message))
    return messages


handle("email.comment_notify", notify_comment)
