"""What every integration checks of what an admin or lead types: an address Cadence will call,
and a choice from a catalogue (webhook events, channel messages). Raises ``ValidationError``
with the field's message, as the services do."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError

from cadence.core import outbound
from cadence.core.limits import MAX_WEBHOOK_URL


def clean_address(url: str, *, missing: str, field: str = "url") -> str:
    """An address to call: given, bounded, without spaces or control characters, and one the
    operator allows (``core.outbound``: public over HTTPS unless allowed otherwise)."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({field: missing})
    if len(url) > MAX_WEBHOOK_URL:
        raise ValidationError({field: f"Keep the address to {MAX_WEBHOOK_URL} characters."})
    if any(ord(c) < 33 or c == "\x7f" for c in url):
        raise ValidationError({field: "An address has no spaces or control characters."})
    if reason := outbound.refusal(url):
        raise ValidationError({field: reason})
    return url


def clean_choice(
    chosen: Iterable[object] | None,
    catalogue: Mapping[str, str],
    *,
    field: str,
    noun: str,
    missing: str,
) -> list[str]:
    """At least one name of ``catalogue``, in the catalogue's order, each once."""
    names = [n for n in (chosen or []) if isinstance(n, str)]
    unknown = [n for n in names if n not in catalogue]
    if unknown:
        raise ValidationError(
            {field: f"There is no {noun} {unknown[0]!r}: choose from {', '.join(catalogue)}."}
        )
    if not names:
        raise ValidationError({field: missing})
    return [name for name in catalogue if name in set(names)]
