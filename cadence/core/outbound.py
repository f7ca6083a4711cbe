"""Outbound HTTP: Cadence calls other servers only at public addresses, unless the operator allows
more (settings ALLOW_PRIVATE_OUTBOUND, OUTBOUND_ALLOWED_NETWORKS).

An address a person types (an SSO issuer, later a webhook) must not turn the server into a probe
of its own network: loopback, private, link-local (cloud metadata), multicast, reserved and
unspecified addresses are refused. Every request made through ``guarded_session()`` resolves its
host and checks every address it resolves to, at each hop of a redirect; ``refusal(url)`` says
why a URL would be refused, for forms to tell before saving it.

The check and the connection resolve the name separately, so a name whose DNS answer changes in
between (rebinding) could still reach a refused address; ALLOW_PRIVATE_OUTBOUND off plus a
firewall is the operator's full answer.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

# Seconds to wait for another server to connect and to answer.
TIMEOUT = 10

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(requests.RequestException):
    """A request to an address Cadence may not call (a RequestException, so callers that handle
    network failures handle this one too)."""


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(n.strip(), strict=False)
        for n in getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", [])
        if n.strip()
    ]


def _operator_allowed(address: Address) -> bool:
    return settings.ALLOW_PRIVATE_OUTBOUND or any(address in n for n in _allowed_networks())


def address_allowed(address: Address) -> bool:
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if _operator_allowed(address):
        return True
    return address.is_global and not address.is_multicast


def _addresses(host: str, port: int) -> list[Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise OutboundRefused(f"{host} could not be found.") from error
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def refusal(url: str) -> str | None:
    """Why ``url`` may not be called, in plain words; None when it may. Plain HTTP only to
    addresses the operator allowed (a provider inside the company network, tests)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "This is not a valid address."
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "Use an address that starts with https://."
    try:
        addresses = _addresses(parts.hostname, port)
    except OutboundRefused as error:
        return str(error)
    if not all(address_allowed(a) for a in addresses):
        return (
            f"{parts.hostname} is a private or local address, which {settings.SITE_NAME} does "
            "not call unless the operator allows it (ALLOW_PRIVATE_OUTBOUND)."
        )
    if parts.scheme == "http" and not all(_operator_allowed(a) for a in addresses):
        return "Use an address that starts with https://."
    return None


class GuardedAdapter(HTTPAdapter):
    def send(self, request, *args, **kwargs):
        reason = refusal(request.url)
        if reason:
            raise OutboundRefused(reason, request=request)
        kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT
        return super().send(request, *args, **kwargs)


def guarded_session() -> requests.Session:
    """A requests session that refuses addresses ``refusal`` refuses, with a timeout."""
    session = requests.Session()
    session.mount("http://", GuardedAdapter())
    session.mount("https://", GuardedAdapter())
    return session
