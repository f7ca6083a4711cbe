"""Pure rules of the outgoing webhooks: the catalogue of events, the signature of a body, and
how long to wait before each retry. No database, no Django."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

# Every event an endpoint can subscribe to, and how the settings page names it.
EVENTS: dict[str, str] = {
    "check_in.created": "A key result's check-in was added",
    "objective.state_changed": "An objective's state changed (proposed, approved, abandoned, …)",
    "weekly_update.submitted": "A weekly update was submitted (its person first wrote in it)",
    "cycle.closed": "A cycle was closed and scored",
    "kpi.left_band": "A KPI left its healthy band",
}
# What the "send a test" button sends: every endpoint receives it, whatever it subscribes to.
PING = "ping"

SIGNATURE_HEADER = "X-Cadence-Signature"
EVENT_HEADER = "X-Cadence-Event"
DELIVERY_HEADER = "X-Cadence-Delivery"

# Attempts at most, in all; then the delivery is given up (failed).
MAX_ATTEMPTS = 8
# The wait after the first failed attempt, doubled after each one, never longer than CAP:
# 1, 2, 4, 8, 16, 32, 64 minutes — eight attempts over about two hours.
FIRST_WAIT = timedelta(minutes=1)
CAP = timedelta(hours=6)


def body_of(payload: dict[str, Any]) -> str:
    """The JSON text sent (and signed): compact, keys in a stable order."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def signature(secret: str, body: bytes) -> str:
    """The ``X-Cadence-Signature`` of ``body``: ``sha256=`` and the hex HMAC-SHA256 of its exact
    bytes under the endpoint's secret."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_valid(secret: str, body: bytes, header: str) -> bool:
    """What a receiver checks (constant-time comparison)."""
    return hmac.compare_digest(signature(secret, body), header or "")


def wait_after(attempts: int) -> timedelta:
    """How long to wait before the next attempt once ``attempts`` attempts failed (1 or more)."""
    if attempts < 1:
        return timedelta(0)
    # 2**k beyond what CAP allows would only be cut down: stop doubling early.
    doubled = FIRST_WAIT * (2 ** min(attempts - 1, 20))
    return min(doubled, CAP)


def is_success(status: int) -> bool:
    """A 2xx answer; anything else (a redirect too: none is followed) is a failed attempt."""
    return 200 <= status < 300


def unknown_events(names: list[str]) -> list[str]:
    return [n for n in names if n not in EVENTS]
