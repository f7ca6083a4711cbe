"""The site header: the same links on every page, the same chosen cycle, fetched once.

``header`` is the context processor (settings.TEMPLATES): it puts ``site_nav`` in every template's
context, a ``Nav`` that queries nothing until a page draws the header — htmx fragments and
emails never do. The header reads it through ``{% site_header as header %}`` (cadence/core's
``nav_ui``), which passes the page's own cycle (its context's ``cycle``); the data — the
organization's cycles, the approvals and unread notifications counts — is read once per request
(three queries), however many times the header asks.

The chosen cycle: the page's own (a cycle's pages, an objective's), else ``?cycle=`` (an id that
is not one of the organization's cycles is ignored), else the current cycle. Every link of the
header keeps it: the cycle's own pages by their path, the others by ``?cycle=`` (left out when
it is the current cycle, which they show anyway).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.db.models import IntegerField, Subquery, Value
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from cadence.alignment.selectors import approvals_waiting_for
from cadence.feed.selectors import unread_of
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle
from cadence.orgs.models import Person

# A page's ``nav`` (its context) → the header link it belongs to.
SECTION_OF = {
    "dashboard": "dashboard",
    "tree": "alignment",
    "dependencies": "alignment",
    "cycles": "cycles",
    "results": "results",
    "kpis": "kpis",
    "approvals": "approvals",
    "weekly": "weekly",
    "meeting": "meeting",
    "one_on_ones": "one_on_ones",
    "feed": "feed",
    "learnings": "learnings",
    "ideas": "ideas",
    "quality": "quality",
    "settings": "settings",
    "coach": "settings",
    "tokens": "settings",
    "email_settings": "settings",
    "notifications": "notifications",
}


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    url: str
    current: bool = False
    count: int = 0  # a badge (approvals waiting, unread notifications); 0: none
    count_label: str = ""  # what the count counts, for screen readers ("waiting", "unread")


@dataclass(frozen=True)
class CycleOption:
    cycle: Cycle
    phase: str
    selected: bool


@dataclass(frozen=True)
class Header:
    brand_url: str
    links: list[Link]
    notifications: Link
    cycle: Cycle | None
    cycles: list[CycleOption]
    switch_action: str


class _CountOf(Subquery):
    """How many rows a queryset has, as a column of another query's row."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def _with_cycle(url: str, cycle: Cycle | None) -> str:
    if cycle is None:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}cycle={cycle.id}"


class Nav:
    """One request's header data. Built for every template; reads the database only when the
    header is drawn, and then once."""

    def __init__(self, request: HttpRequest):
        self.request = request
        self._headers: dict = {}

    @classmethod
    def of(cls, request: HttpRequest) -> Nav:
        nav = getattr(request, "_cadence_nav", None)
        if nav is None:
            nav = request._cadence_nav = cls(request)
        return nav

    @property
    def person(self):
        user = getattr(self.request, "user", None)
        return user if user is not None and user.is_authenticated else None

    @cached_property
    def cycles(self) -> list[Cycle]:
        """The organization's cycles, newest first (one query)."""
        if self.person is None:
            return []
        return okr_selectors.request_cycles(self.request)

    @cached_property
    def today(self):
        return timezone.localdate()

    @cached_property
    def counts(self) -> tuple[int, int]:
        """(approvals waiting, unread notifications): the header's two badges, in one query."""
        if self.person is None:
            return 0, 0
        waiting = approvals_waiting_for(self.person)
        row = (
            Person.objects.filter(pk=self.person.pk)
            .annotate(
                approvals=Value(0)
                if waiting is None
                else _CountOf(waiting.order_by().values("pk")),
                unread=_CountOf(unread_of(self.person).order_by().values("pk")),
            )
            .values_list("approvals", "unread")
            .first()
        )
        return row or (0, 0)

    @property
    def approvals(self) -> int:
        return self.counts[0]

    @property
    def unread(self) -> int:
        return self.counts[1]

    def page_cycle(self) -> Cycle | None:
        """The cycle a page asked for by ``?cycle=`` (404 if it is not one of the
        organization's), else the current one: ``cycle_for_request`` from the header's list."""
        return okr_selectors.cycle_of_request(
            self.cycles, self.request.GET.get("cycle"), self.today
        )

    def in_planning(self, today) -> Cycle | None:
        """The next cycle to start (``cycle_in_planning``), from the header's list."""
        return okr_selectors.in_planning_of(self.cycles, today)

    def chosen_cycle(self, page_cycle=None) -> Cycle | None:
        """The page's own cycle, else the one ``?cycle=`` names, else the current one."""
        by_id = {str(c.id): c for c in self.cycles}
        if isinstance(page_cycle, Cycle) and str(page_cycle.id) in by_id:
            return by_id[str(page_cycle.id)]
        asked = self.request.GET.get("cycle", "").strip().lower()
        if asked in by_id:
            return by_id[asked]
        return okr_selectors.current_of(self.cycles, self.today)

    def header(self, *, page_cycle=None, section: str = "", switch_action: str = "") -> Header:
        key = (getattr(page_cycle, "id", None), section, switch_action)
        if key not in self._headers:
            self._headers[key] = self._header(page_cycle, section, switch_action)
        return self._headers[key]

    def _header(self, page_cycle, section: str, switch_action: str) -> Header:
        cycle = self.chosen_cycle(page_cycle)
        current = SECTION_OF.get(section, "")
        # Links carry ?cycle= when the chosen cycle is not the one pages show anyway.
        kept = cycle if cycle != okr_selectors.current_of(self.cycles, self.today) else None

        def link(key: str, label: str, url: str, *, keep: bool = True, count=0, of="") -> Link:
            return Link(
                key=key,
                label=label,
                url=_with_cycle(url, kept) if keep else url,
                current=current == key,
                count=count,
                count_label=of,
            )

        cycles_url = reverse("cycles")
        links = [
            link("dashboard", "Dashboard", reverse("dashboard")),
            link(
                "alignment",
                "Alignment",
                reverse("cycle_tree", args=[cycle.id]) if cycle else cycles_url,
                keep=False,
            ),
            link("cycles", "Cycles", cycles_url),
            link(
                "results",
                "Results",
                reverse("cycle_results", args=[cycle.id]) if cycle else cycles_url,
                keep=False,
            ),
            link("kpis", "KPIs", reverse("kpis"), keep=False),
        ]
        # Approvals: for whoever has something waiting — on every page alike, the approvals
        # page included (after the last approval the link goes, there as everywhere).
        if self.approvals:
            links.append(
                link(
                    "approvals",
                    "Approvals",
                    reverse("approvals"),
                    count=self.approvals,
                    of="waiting",
                )
            )
        links += [
            link("weekly", "Weekly", reverse("weekly_mine")),
            link("meeting", "Team meeting", reverse("my_meeting")),
            link("one_on_ones", "1:1s", reverse("one_on_ones"), keep=False),
            link("feed", "Feed", reverse("feed")),
            link("learnings", "Learnings", reverse("learnings")),
            link("ideas", "Ideas", reverse("ideas_rounds"), keep=False),
            link(
                "quality",
                "Quality",
                reverse("cycle_quality", args=[cycle.id]) if cycle else reverse("coach_guide"),
                keep=False,
            ),
            link("settings", "Settings", reverse("settings")),
        ]
        options = [
            CycleOption(
                cycle=c,
                phase=Cycle.Phase(c.phase_on(self.today)).label,
                selected=cycle is not None and c.id == cycle.id,
            )
            for c in self.cycles
        ]
        return Header(
            brand_url=_with_cycle(reverse("dashboard"), kept),
            links=links,
            notifications=link(
                "notifications",
                "Notifications",
                reverse("notifications"),
                count=self.unread,
                of="unread",
            ),
            cycle=cycle,
            cycles=options,
            switch_action=switch_action or self.request.path,
        )


def header(request: HttpRequest) -> dict:
    """The context processor: the request's header data, fetched when the header is drawn."""
    return {"site_nav": Nav.of(request)}
