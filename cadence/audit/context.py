"""Where a change comes from: the address and browser of the request being served.

The middleware sets them for the length of one request, so that services record them without
being handed the request; outside a request (command line, worker) there are none.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Origin:
    ip_address: str | None = None
    user_agent: str = ""


NOWHERE = Origin()
_origin: ContextVar[Origin] = ContextVar("cadence_audit_origin", default=NOWHERE)


def current_origin() -> Origin:
    return _origin.get()


def origin_of(request) -> Origin:
    """The client's address — REMOTE_ADDR, or behind a reverse proxy the header named by
    CLIENT_IP_HEADER (X-Forwarded-For: its last entry, the one the proxy added), as sign-in
    throttling reads it — and the first 300 characters of its user agent."""
    ip = ""
    header = settings.CLIENT_IP_HEADER
    if header:
        forwarded = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        ip = forwarded.split(",")[-1].strip()
    ip = ip or (request.META.get("REMOTE_ADDR") or "").strip()
    try:
        ip = str(ipaddress.ip_address(ip))
    except ValueError:
        ip = None  # a Unix socket, or nothing: no address to keep
    return Origin(ip_address=ip, user_agent=(request.META.get("HTTP_USER_AGENT") or "")[:300])


class AuditOriginMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _origin.set(origin_of(request))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)
