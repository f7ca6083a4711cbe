"""Rendered fragments kept in Django's cache (issue 19.1): the key-result card of the objective
page (``okrs/_okr.html#kr_card``, also the answer to a check-in made on that page).

Key-based, never invalidated: an entry is found by a key made of everything the card's HTML
depends on, so any write that changes what the card shows changes its key, and the old entry is
simply never asked for again (it expires). ``PARTS`` is the one list of what goes into the key;
``card_key`` the one function that builds it. A part reads only what the page has already
loaded (the board's rows, the key result's history, the data source): a key costs no query.

Adding something to the card means adding what it reads to ``PARTS`` (tests/web/
test_fragment_freshness.py drops each part in turn and shows a write the card would then miss).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.core.cache import cache as django_cache
from django.template.loader import get_template
from django.utils import timezone

log = logging.getLogger(__name__)

# Raise when the card's HTML changes in a way its template's text does not show (a filter, a
# row's property): entries of the old code are then never read, even from a shared Redis.
VERSION = 1
# Entries of a day hold that day's pace ("today" is a part): a day is as long as one can serve.
TIMEOUT = 24 * 60 * 60
TEMPLATE = "okrs/_okr.html"


@dataclass(frozen=True)
class Card:
    """What one key-result card is rendered from, as the page's template context holds it."""

    kr: Any  # okrs.pages.KeyResultRow, with its detail (history, chart)
    objective: Any  # okrs.pages.ObjectiveRow
    today: date
    # The address the check-in button sends people back to (the page's own).
    back: str
    layout: str
    # Whether the page offers data sources (the objective page does, the check-in answer not),
    # and the key result's source, if it has one (integrations.models.DataSource).
    sources_shown: bool
    source: Any = None


def _stamp(row) -> tuple:
    return (str(row.id), row.updated_at.isoformat()) if row is not None else (None,)


def key_result(card: Card) -> tuple:
    """Its own fields (title, kind, start, target, unit, weight, commitment, current value,
    confidence): every service writes them with a save that moves ``updated_at``."""
    return _stamp(card.kr.model)


def objective(card: Card) -> tuple:
    """The objective's commitment and state (abandoned: no forecast), saved by its services."""
    return _stamp(card.objective.model)


def cycle(card: Card) -> tuple:
    """The cycle's name and dates (the chart) and whether it is closed."""
    return _stamp(card.objective.cycle)


def check_ins(card: Card) -> tuple:
    """The history: how many check-ins, the latest, and the last one written (a backdated
    check-in, which leaves the key result's own row alone, changes it too)."""
    rows = card.kr.history.check_ins if card.kr.history else []
    return (
        len(rows),
        str(rows[-1].id) if rows else None,
        max((ci.updated_at for ci in rows), default=None),
    )


def people(card: Card) -> tuple:
    """The names shown: the key result's owner and each check-in's author (a rename, an
    erasure; a deleted person is no longer named)."""
    rows = card.kr.history.check_ins if card.kr.history else []
    authors = {ci.author_id: ci.author for ci in rows if ci.author_id}
    owner = card.kr.owner if card.kr.owner_id else None
    return (_stamp(owner), sorted(_stamp(p) for p in authors.values()))


def today(card: Card) -> str:
    """The day: expected progress, pace, the chart's "today", the forecast."""
    return card.today.isoformat()


def markers(card: Card) -> tuple:
    """This week's change, stalled and stale: measured from this moment (a check-in turns a
    week old, or 14 days pass, at some hour of the day)."""
    history = card.kr.history
    if history is None:
        return (None,)
    return (history.week_change, history.stalled, history.stale)


def time_zone(card: Card) -> str:
    """The time zone the check-ins' times are shown in."""
    return timezone.get_current_timezone_name()


def rights(card: Card) -> tuple:
    """What the reader may do on the card: check in, edit (and delete, set a data source)."""
    return (bool(card.kr.can_check_in), bool(card.objective.can_edit), card.sources_shown)


def source(card: Card) -> tuple:
    """The data source's line: what it is, switched on or off, a sync asked for, its failures
    (written by the worker with plain updates that leave ``updated_at`` alone)."""
    s = card.source
    if s is None:
        return (None,)
    return (s.label, s.active, s.requested, s.last_error, s.failures_in_a_row)


def address(card: Card) -> tuple:
    """The page the check-in button sends back to, and the layout it asks for."""
    return (card.back, card.layout)


Part = tuple[str, Callable[[Card], Any]]

PARTS: tuple[Part, ...] = (
    ("key_result", key_result),
    ("objective", objective),
    ("cycle", cycle),
    ("check_ins", check_ins),
    ("people", people),
    ("today", today),
    ("markers", markers),
    ("time_zone", time_zone),
    ("rights", rights),
    ("source", source),
    ("address", address),
)


@cache
def _code_version() -> str:
    """The card's code: VERSION, the release, and the template's own text."""
    try:
        release = version("cadence")
    except PackageNotFoundError:
        release = "0"
    text = get_template(TEMPLATE).template.source
    return f"{VERSION}.{release}.{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def card_key(card: Card, parts: Sequence[Part] | None = None) -> str:
    """The cache key of one key result's card: a version prefix, the key result's id and a hash
    of every part of ``PARTS`` (read at call time, so a test can take one out)."""
    parts = PARTS if parts is None else parts
    values = repr([(name, read(card)) for name, read in parts])
    digest = hashlib.sha256(values.encode()).hexdigest()
    return f"cadence:krcard:{_code_version()}:{card.kr.id}:{digest}"


def cached(key: str, render: Callable[[], str]) -> str:
    """The HTML kept under ``key``, else ``render()``'s, kept for the next reader. A cache that
    fails (Redis down) costs the render, never the page."""
    try:
        html = django_cache.get(key)
    except Exception:  # noqa: BLE001 — any backend error: render as if nothing were kept
        log.warning("fragment cache unreachable; rendering without it", exc_info=True)
        return render()
    if html is not None:
        return html
    html = render()
    try:
        django_cache.set(key, str(html), TIMEOUT)
    except Exception:  # noqa: BLE001
        log.warning("fragment cache unreachable; not keeping the fragment", exc_info=True)
    return html
