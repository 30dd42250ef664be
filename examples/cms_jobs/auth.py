"""Authentication housekeeping: expired sessions and tokens, and the end
of brute-force login lockouts."""

from __future__ import annotations

from registry import handle
from registry import handler as task_handler

from cms_jobs import store
from cms_jobs.payloads import Payload, require_str


@task_handler("auth.session.cleanup")
def delete_expired_sessions(payload: Payload) -> int:
    """Delete sessions past their expiry; return how many."""
    now = store.clock.now()
    return store.sessions.delete_where(lambda row: row["expires_at"] <= now)


def delete_spent_tokens(payload: Payload) -> int:
    """Delete used or expired tokens; return how many.

    Covers password reset, email verification and one-time login tokens.
    """
    now = store.clock.now()

    def is_spent(token: store.Row) -> bool:
        return token.get("used_at") is not None or token["expires_at"] <= now

    return store.auth_tokens.delete_where(is_spent)


handle("auth.token.cleanup", delete_spent_tokens)


@task_handler("auth.brute_force.unlock")
def unlock_login(payload: Payload) -> bool:
    """Lift the lockout of one (account, IP address) pair once it expired.

    The lockout enqueues this task to run when it ends. A run that comes
    early, or after an administrator already lifted the lockout, changes
    nothing and returns False. Each unlock is written to the audit log
    under a key made of the pair and the lock time, so a retry writes
    the same entry again instead of a second one.
    """
    account = require_str(payload, "account")
    ip_address = require_str(payload, "ip_address")
    key = f"{account}|{ip_address}"
    lockout = store.login_lockouts.get(key)
    now = store.clock.now()
    if lockout is None or lockout["locked_until"] > now:
        return False
    store.login_lockouts.delete(key)
    entry_id = f"auth.unlock:{key}:{lockout['locked_until']}"
    store.audit_log.upsert(entry_id, {
        "id": entry_id,
        "at": lockout["locked_until"],
        "action": "auth.unlock",
        "account": account,
        "ip_address": ip_address,
        "failed_attempts": lockout.get("failed_attempts", 0),
    })
    return True
