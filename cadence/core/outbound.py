"""Outbound HTTP: Cadence calls other servers only at public addresses, unless the operator allows
more (settings ALLOW_PRIVATE_OUTBOUND, OUTBOUND_ALLOWED_NETWORKS — the environment's
CADENCE_OUTBOUND_ALLOW or OUTBOUND_ALLOWED_NETWORKS).

An address a person types (an SSO issuer, later a webhook) must not turn the server into a probe
of its own network: loopback, private, link-local (cloud metadata), multicast, reserved and
unspecified addresses are refused. Every request made through ``guarded_session()`` resolves its
host and checks every address it resolves to, at each hop of a redirect; ``refusal(url)`` says
why a URL would be refused, for forms to tell before saving it.

The address checked is the address connected to: the session's connections resolve the host
once, refuse the connection unless every address it resolved to is allowed, and connect to those
very addresses (a name whose DNS answer changes between a first check and the connection —
rebinding — cannot slip through). Every redirect hop is a new request, checked the same way.
Numeric forms the resolver understands (``2130706433``, ``0177.0.0.1``, ``[::ffff:127.0.0.1]``)
are judged by the address they resolve to.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util import connection as urllib3_connection

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
    return _addresses_refusal(parts.hostname, addresses, plain=parts.scheme == "http")


def _addresses_refusal(host: str, addresses: list[Address], *, plain: bool) -> str | None:
    """Why ``host``, resolved to ``addresses``, may not be called; None when it may."""
    if not addresses:
        return f"{host} could not be found."
    if not all(address_allowed(a) for a in addresses):
        return (
            f"{host} is a private or local address, which {settings.SITE_NAME} does "
            "not call unless the operator allows it (ALLOW_PRIVATE_OUTBOUND, "
            "CADENCE_OUTBOUND_ALLOW)."
        )
    if plain and not all(_operator_allowed(a) for a in addresses):
        return "Use an address that starts with https://."
    return None


class _Refused(Exception):  # noqa: N818 (internal: turned into OutboundRefused by the adapter)
    """Raised by a connection that will not connect (not an OSError, so urllib3 neither retries
    nor wraps it)."""


class _PinnedConnection:
    """A connection that resolves its host itself, judges every address, and connects to the
    addresses it judged (never resolving the name a second time)."""

    plain = True

    def _new_conn(self):
        host = self._dns_host.strip("[]")
        try:
            infos = socket.getaddrinfo(host, self.port, 0, socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise _Refused(f"{host} could not be found.") from error
        addresses = list(
            dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos)
        )
        if reason := _addresses_refusal(self.host, addresses, plain=self.plain):
            raise _Refused(reason)
        error: Exception | None = None
        for address in addresses:
            try:
                return urllib3_connection.create_connection(
                    (str(address), self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as e:
                error = ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                )
                error.__cause__ = e
            except OSError as e:
                error = NewConnectionError(self, f"Failed to establish a new connection: {e}")
                error.__cause__ = e
        raise error  # type: ignore[misc]


class _PinnedHTTPConnection(_PinnedConnection, HTTPConnection):
    plain = True


class _PinnedHTTPSConnection(_PinnedConnection, HTTPSConnection):
    plain = False


class _PinnedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """Checks each request's address before sending it (a plain answer for the caller), and
    makes its connections through the pinned classes above (the check that counts: the address
    connected to is the address judged)."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _PinnedHTTPPool,
            "https": _PinnedHTTPSPool,
        }

    def send(self, request, *args, **kwargs):
        reason = refusal(request.url)
        if reason:
            raise OutboundRefused(reason, request=request)
        kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT
        try:
            return super().send(request, *args, **kwargs)
        except _Refused as error:
            raise OutboundRefused(str(error), request=request) from error


def guarded_session() -> requests.Session:
    """A requests session that refuses addresses ``refusal`` refuses, with a timeout."""
    session = requests.Session()
    session.mount("http://", GuardedAdapter())
    session.mount("https://", GuardedAdapter())
    return session
