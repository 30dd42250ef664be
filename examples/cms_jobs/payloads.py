"""Typed field access for task payloads.

Payloads arrive as JSON objects, so every field is checked before a
handler uses it. The errors name the field and what it must contain.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Mapping, Optional

Payload = Mapping[str, object]


class InvalidPayloadError(ValueError):
    """A task payload is missing a field or a field has the wrong type."""


def _field(payload: Payload, name: str) -> object:
    if name not in payload:
        raise InvalidPayloadError(f"task payload field {name!r} is missing")
    return payload[name]


def _wrong_type(name: str, expected: str, value: object) -> InvalidPayloadError:
    return InvalidPayloadError(
        f"task payload field {name!r} must be {expected}, "
        f"got {type(value).__name__}"
    )


def require_str(payload: Payload, name: str) -> str:
    """Return the non-empty string field `name`."""
    value = _field(payload, name)
    if not isinstance(value, str) or not value:
        raise _wrong_type(name, "a non-empty string", value)
    return value


def optional_str(
    payload: Payload, name: str, default: Optional[str] = None
) -> Optional[str]:
    """Return the string field `name`, or `default` when it is absent."""
    if payload.get(name) is None:
        return default
    return require_str(payload, name)


def require_int(payload: Payload, name: str, *, minimum: int = 0) -> int:
    """Return the integer field `name`, which must be at least `minimum`."""
    value = _field(payload, name)
    # bool is a subclass of int, but true/false is never a valid count.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(name, "an integer", value)
    if value < minimum:
        raise InvalidPayloadError(
            f"task payload field {name!r} must be at least {minimum}, "
            f"got {value}"
        )
    return value


def optional_int(
    payload: Payload, name: str, default: int, *, minimum: int = 0
) -> int:
    """Return the integer field `name`, or `default` when it is absent."""
    if payload.get(name) is None:
        return default
    return require_int(payload, name, minimum=minimum)


def require_str_list(payload: Payload, name: str) -> List[str]:
    """Return the field `name` as a list of non-empty strings."""
    value = _field(payload, name)
    if not isinstance(value, list):
        raise _wrong_type(name, "a list of strings", value)
    for item in value:
        if not isinstance(item, str) or not item:
            raise _wrong_type(name, "a list of non-empty strings", item)
    return list(value)


def require_rows(payload: Payload, name: str) -> List[Mapping[str, object]]:
    """Return the field `name` as a list of JSON objects."""
    value = _field(payload, name)
    if not isinstance(value, list):
        raise _wrong_type(name, "a list of objects", value)
    for item in value:
        if not isinstance(item, dict):
            raise _wrong_type(name, "a list of objects", item)
    return list(value)


def require_datetime(payload: Payload, name: str) -> datetime:
    """Return the field `name`, an ISO 8601 timestamp with a UTC offset."""
    text = require_str(payload, name)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidPayloadError(
            f"task payload field {name!r} must be an ISO 8601 timestamp, "
            f"got {text!r}"
        ) from None
    if moment.tzinfo is None:
        raise InvalidPayloadError(
            f"task payload field {name!r} needs a UTC offset, "
            f"for example {text}+00:00"
        )
    return moment
