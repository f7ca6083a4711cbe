"""Pure: one received email (RFC 822 bytes) as the few facts the service needs.

Who sent it (``From``), every address it was delivered to (``To``, ``Cc``, ``Delivered-To``,
``X-Original-To``, ``Envelope-To`` and the envelope recipient the MTA or the provider names),
its ``Message-ID`` (or, without one, a digest of the bytes, so the same bytes are still one
message), whether a machine sent it (an out-of-office answer to the reminder must not become a
plan), and its text: the plain-text part, else the HTML part as text; charsets,
quoted-printable, base64 and ``format=flowed`` decoded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

from cadence.mailin.parsing import html_to_text, unflow

RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "Resent-To")
# Longest Message-ID kept as it is; a longer one is kept as its digest.
MAX_MESSAGE_ID = 200


@dataclass(frozen=True)
class Received:
    message_id: str
    sender: str  # the From address, lower-cased; "" when there is none
    recipients: tuple[str, ...]
    subject: str
    text: str
    automatic: str  # why a machine sent it ("Auto-Submitted: auto-replied"), else ""


def _header(message: EmailMessage, name: str) -> list[str]:
    values = []
    for value in message.get_all(name, []) or []:
        try:
            values.append(str(value))
        except Exception:  # a header the parser could not make sense of: skipped
            continue
    return values


def _addresses(message: EmailMessage, names) -> list[str]:
    found = []
    for name in names:
        for _, address in getaddresses(_header(message, name)):
            if address and "@" in address:
                found.append(address.strip())
    return found


def automatic_reason(message: EmailMessage) -> str:
    """Why a message was sent by a machine (RFC 3834 and what mail servers use besides), or ""."""
    auto = " ".join(_header(message, "Auto-Submitted")).strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response", "X-Autoresponder"):
        if _header(message, name):
            return name
    precedence = " ".join(_header(message, "Precedence")).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    if _header(message, "List-Id") or _header(message, "X-Failed-Recipients"):
        return "a mailing list or a bounce"
    return ""


def _part_text(part) -> str:
    try:
        text = part.get_content()
    except (LookupError, UnicodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        text = text.decode("utf-8", errors="replace")
    return text


def body_text(message: EmailMessage) -> str:
    """The message's text: its plain-text body, else its HTML body as text."""
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    text = _part_text(body)
    if body.get_content_subtype() == "html":
        return html_to_text(text)
    params = {k.lower(): (v or "").lower() for k, v in body.get_params(header="content-type") or []}
    if params.get("format") == "flowed":
        text = unflow(text, delsp=params.get("delsp") == "yes")
    return text


def read_message(raw: bytes, *, recipients: tuple[str, ...] = ()) -> Received:
    """The facts of one message; ``recipients``: envelope addresses known besides its headers."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    message_id = " ".join(_header(message, "Message-ID")).strip()
    if not message_id or len(message_id) > MAX_MESSAGE_ID:
        message_id = "sha256:" + hashlib.sha256(message_id.encode() or raw).hexdigest()
    senders = _addresses(message, ["From"])
    return Received(
        message_id=message_id,
        sender=senders[0].lower() if senders else "",
        recipients=tuple(dict.fromkeys([*recipients, *_addresses(message, RECIPIENT_HEADERS)])),
        subject=" ".join(" ".join(_header(message, "Subject")).split()),
        text=body_text(message),
        automatic=automatic_reason(message),
    )
