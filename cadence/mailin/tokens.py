"""The signed reply address each reminder and digest carries: ``updates+<token>@example.com``.

A token says whose update a reply writes and until when: the person's id and an expiry, signed
with the site's secret key (HMAC-SHA256, as ``django.core.signing`` signs, through the same
``salted_hmac``) over the person's id, their organization's id and the expiry. The organization
is signed but not carried: the reader looks the person up and checks the signature with the
person's organization, so a token never writes across organizations.

Compact because an address's local part holds at most 64 characters (RFC 5321): 16 bytes of id,
4 of expiry (seconds since 1970) and the first 10 bytes (80 bits) of the signature, in lower-case
base32 — 48 characters, safe from mail systems that change the case of an address. A token
signed with a key of ``SECRET_KEY_FALLBACKS`` still verifies, so rotating the key does not
break the replies already on their way.

No database here: ``token_make`` and ``token_read`` take and return plain values.
"""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "cadence.mailin.reply-address"
SIGNATURE_BYTES = 10
TOKEN_LENGTH = 48  # base32 of 16 + 4 + 10 bytes, no padding


@dataclass(frozen=True)
class Claim:
    """What a well-formed token says; ``verifies`` tells whether the site signed it."""

    person_id: UUID
    expires: datetime
    signature: bytes

    def verifies(self, organization_id: UUID) -> bool:
        """Signed by this site (its key or a fallback key) for this person in that
        organization."""
        keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return any(
            constant_time_compare(
                self.signature,
                _signature(self.person_id, organization_id, self.expires, secret=key),
            )
            for key in keys
        )

    def expired(self, now: datetime) -> bool:
        return now >= self.expires


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


def _signature(person_id: UUID, organization_id: UUID, expires: datetime, *, secret) -> bytes:
    value = f"{person_id}:{organization_id}:{_seconds(expires)}"
    return salted_hmac(SALT, value, secret=secret, algorithm="sha256").digest()[:SIGNATURE_BYTES]


def token_make(*, person_id: UUID, organization_id: UUID, expires: datetime) -> str:
    """The token for one person's replies until ``expires`` (kept to the second)."""
    signature = _signature(person_id, organization_id, expires, secret=settings.SECRET_KEY)
    raw = person_id.bytes + struct.pack(">I", _seconds(expires)) + signature
    return base64.b32encode(raw).decode("ascii").lower()


def token_read(token: str) -> Claim | None:
    """The claim a token makes, or None when it is not one of ours in shape (its signature is
    checked by ``Claim.verifies``, which needs the person's organization)."""
    token = (token or "").strip()
    if len(token) != TOKEN_LENGTH:
        return None
    try:
        raw = base64.b32decode(token.upper())
    except (binascii.Error, ValueError):
        return None
    person_id = UUID(bytes=raw[:16])
    (seconds,) = struct.unpack(">I", raw[16:20])
    return Claim(
        person_id=person_id,
        expires=datetime.fromtimestamp(seconds, tz=UTC),
        signature=raw[20:],
    )


def reply_address(base: str, token: str) -> str:
    """``updates@example.com`` and a token → ``updates+<token>@example.com``."""
    local, _, domain = base.rpartition("@")
    return f"{local}+{token}@{domain}"


def token_in(address: str, base: str) -> str | None:
    """The token of an address of the reply mailbox ``base`` (same local part and domain, case
    aside, then ``+token``); None for any other address."""
    local, at, domain = (address or "").strip().rpartition("@")
    base_local, _, base_domain = base.strip().rpartition("@")
    if not at or not base_local or domain.lower() != base_domain.lower():
        return None
    mailbox, plus, tag = local.partition("+")
    if not plus or mailbox.lower() != base_local.lower() or not tag:
        return None
    return tag
