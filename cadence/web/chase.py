"""The dashboard's "What to chase": what in a person's teams needs a word this week, each with
the one action that fixes it (check in, ask, reassign, nudge).

- Whose teams (``chase_scope``): the units the person belongs to (member or lead); for a unit
  they lead, also the units directly below it (a lead looks one level down); for an admin, also
  the company and the units directly below it. Viewers chase nothing. Archived units are left
  out.
- Key results (``cadence.okrs.attention``): each listed once, under its most pressing reason
  (confidence contradicts the numbers, off track, forecast to fall short, stale, stalled), with
  its other reasons beside it; the furthest behind first.
- Unhealthy KPIs: the dashboard's own list (``web.views.dashboard.dashboard_kpis``).
- For the units the person may lead (leads of them or of a unit above, admins): who has not
  written this week's update (the ISO week of today in the unit's time zone: after its deadline
  it is overdue, not replaced by next week's; the person themself and people outside the
  rollout left out), and key results
  without an owner.

A bounded number of queries whatever the organization's size: the key results of the units in
scope (a board: two queries) and their markers (``okrs.histories.markers_many``: one query,
and one more for the check-ins of those not kept in the cache), and the memberships of the units in
scope, with whether each member of a unit led wrote the week's update and was nudged (one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from django.db.models import Q
from django.utils import timezone

from cadence.okrs import attention, permissions, selectors
from cadence.okrs import progress as arithmetic
from cadence.okrs.histories import Markers, markers_many
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Membership, Person, Unit
from cadence.orgs.rollout_selectors import people_in_rollout
from cadence.orgs.selectors import Access, UnitTree
from cadence.weekly import selectors as weekly_selectors

# The most items one list shows (the rest are counted: the unit pages have them all).
LIST_LIMIT = 8


def chase_scope(person: Person, tree: UnitTree, access: Access) -> tuple[set[UUID], set[UUID]]:
    """(the units whose key results the person chases, those of them the person may lead)."""
    if person.is_viewer or not person.is_active:
        return set(), set()
    live = {uid for uid, u in tree.units.items() if u.archived_at is None}
    scope = {uid for uid in access.memberships if uid in live}
    for uid, role in access.memberships.items():
        if role == Membership.Role.LEAD and uid in live:
            scope.update(c.id for c in tree.children.get(uid, []) if c.id in live)
    if person.is_admin and tree.root is not None and tree.root.id in live:
        scope.add(tree.root.id)
        scope.update(c.id for c in tree.children.get(tree.root.id, []) if c.id in live)
    led = {uid for uid in scope if access.can_lead_unit(tree.units[uid])}
    return scope, led


@dataclass(frozen=True)
class ChasedKeyResult:
    """A key result to chase: its board row, objective and unit, why (``judged``), its
    markers (stalled, stale, forecast), and what this person may do about it."""

    kr: selectors.BoardKeyResult
    objective: selectors.BoardObjective
    team: Unit
    judged: attention.Judged
    markers: Markers | None
    can_check_in: bool
    can_reassign: bool
    can_ask: bool
    owners: tuple[Person, ...] = ()  # whom it may be given to: its unit's members

    def __getattr__(self, name: str):
        # The key result's own fields read through (``kind``, ``target``, its ``unit`` of
        # measure…), so the OKR pages' partials show a row as they show a key result.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.kr, name)

    @property
    def id(self) -> UUID:
        return self.kr.id

    @property
    def reason(self) -> str | None:
        return self.judged.primary

    @property
    def ask_text(self) -> str:
        """The comment "Ask" starts from: the owner mentioned, what the numbers say, a question
        (the asker edits it before sending)."""
        kr = self.kr
        handle = f"@{kr.owner.email}" if kr.owner_id else ""
        title = f"“{kr.title}”"
        now = f"{arithmetic.percent(kr.progress)} where {arithmetic.percent(kr.expected)} was"
        reason = self.judged.primary
        if reason == attention.CONFIDENCE:
            if self.judged.contradiction == attention.OVERCONFIDENT:
                text = (
                    f"you say {title} is on track, but it is at {now} expected by now. "
                    "What do you see that the numbers do not?"
                )
            else:
                text = (
                    f"the numbers say {title} is on pace, but you say off track. "
                    "What worries you, and what would help?"
                )
        elif reason == attention.OFF_TRACK:
            text = f"{title} is off track: {now} expected by now. What would help?"
        elif reason == attention.SHORT:
            end = self.objective.cycle.end.strftime("%-d %b")
            text = f"the trend of {title} falls short of its target by {end}. What could change it?"
        elif reason == attention.STALE:
            text = f"{title} has had no check-in for two weeks or more. Could you check in?"
        else:
            text = f"{title} has not moved over its last two weekly check-ins. What is in the way?"
        return f"{handle} {text}".strip()

    @property
    def other_labels(self) -> list[str]:
        return [attention.LABELS[r] for r in self.judged.others]

    @property
    def forecast(self):
        return self.markers.forecast if self.markers else None


@dataclass(frozen=True)
class ChaseList:
    """One reason's list: its items (at most ``LIST_LIMIT``) and how many more there are."""

    reason: str
    label: str
    items: list
    more: int = 0


@dataclass(frozen=True)
class MissingUpdate:
    """A member of a unit the person leads who has not written the week's update."""

    person: Person
    unit: Unit
    week: date
    deadline: datetime
    nudged: bool
    overdue: bool

    @property
    def week_label(self) -> str:
        iso = self.week.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"


@dataclass
class Chase:
    key_results: list[ChaseList] = field(default_factory=list)
    unowned: ChaseList | None = None
    missing: ChaseList | None = None
    kpis: list = field(default_factory=list)
    leads: bool = False
    scoped: bool = False  # the person has teams to chase in (else the dashboard says nothing)

    @property
    def count(self) -> int:
        lists = [*self.key_results, self.unowned, self.missing]
        return len(self.kpis) + sum(len(x.items) + x.more for x in lists if x is not None)

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class _Found:
    """A key result the person has something to chase about, before the rows are built (only
    the ones a list shows become rows: their rights and the unit's members are read for them
    alone)."""

    objective: Objective
    unit: Unit
    kr: KeyResult
    judged: attention.Judged
    markers: Markers | None
    no_owner: bool  # unowned in a unit the person leads

    @property
    def order(self) -> tuple:
        """The furthest behind first, then by unit, title and id."""
        behind = attention.urgency(expected=self.kr.expected, progress=self.kr.progress)
        return (-behind, self.unit.name.lower(), self.kr.title.lower(), str(self.kr.id))


def _capped(reason: str, label: str, items: list, total: int | None = None) -> ChaseList:
    """The first ``LIST_LIMIT`` of ``items`` and how many more there are (of ``total``, when
    ``items`` holds only the first ones)."""
    total = len(items) if total is None else total
    return ChaseList(reason, label, items[:LIST_LIMIT], max(0, total - LIST_LIMIT))


def chase_for(
    person: Person,
    cycle: Cycle,
    tree: UnitTree,
    access: Access,
    *,
    kpis: list | None = None,
    now: datetime | None = None,
    board: selectors.Board | None = None,
) -> Chase:
    """What the person has to chase in ``cycle`` (``kpis``: the dashboard's unhealthy KPI rows,
    passed through; ``board``: a board of the cycle already loaded with every objective of the
    units in ``chase_scope``, the dashboard's, read instead of a board of its own: with
    ``check_in_stamps``, else the markers' keys cost a query)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    organization = person.organization
    scope, led = chase_scope(person, tree, access)
    chase = Chase(kpis=list(kpis or []), leads=bool(led))
    if not scope:
        return chase
    chase.scoped = True
    if board is None:
        board = selectors.board_for_cycle(
            organization,
            cycle,
            today=today,
            viewer=person,
            scope=Q(unit_id__in=list(scope)),
            check_in_stamps=True,
        )
    objectives = [o for o in board.objectives.values() if o.unit_id in scope]
    markers = markers_many(objectives, now=now, stamps=board.check_in_stamps)
    found: list[_Found] = []
    for o in objectives:
        live = permissions.objective_is_open(o)
        running = o.cycle.start <= today <= o.cycle.end
        unit = tree.units.get(o.unit_id, o.unit)
        for kr in o.krs:
            marked = markers.get(kr.id)
            forecast = marked.forecast if marked else None
            judged = attention.judge(
                live=live,
                running=running,
                pace=kr.pace,
                confidence=kr.confidence or None,
                stalled=bool(marked and marked.stalled),
                stale=bool(marked and marked.stale),
                forecast_short=bool(forecast and forecast.short and not forecast.ended),
            )
            no_owner = attention.needs_owner(live=live, owner_id=kr.owner_id) and o.unit_id in led
            if not judged.reasons and not no_owner:
                continue
            found.append(_Found(o, unit, kr, judged, marked, no_owner))
    # Each list in order, capped: only what a list shows becomes a row.
    by_reason: dict[str, list[_Found]] = defaultdict(list)
    unowned: list[_Found] = []
    for each in found:
        if each.judged.primary:
            by_reason[each.judged.primary].append(each)
        if each.no_owner:
            unowned.append(each)
    lists = {
        reason: sorted(by_reason[reason], key=lambda f: f.order)
        for reason in attention.REASONS
        if by_reason.get(reason)
    }
    unowned = sorted(unowned, key=lambda f: f.order) if led else []
    shown = {id(f): f for items in [*lists.values(), unowned] for f in items[:LIST_LIMIT]}
    reassign = {
        key: permissions.objective_is_open(f.objective)
        and permissions.can_edit_unit_okrs(person, f.unit, access)
        for key, f in shown.items()
    }
    # The members of the units in scope: whom a shown key result may be given to and, for the
    # units led, who has not written the week's update. Read only when something asks for them.
    weeks = {uid: weekly_selectors.unit_this_week(tree.units[uid], now) for uid in led}
    memberships: list[Membership] = []
    if led or any(reassign.values()):
        # One query, with whether each member of a unit led has written the week chased and
        # whether they were nudged for it already.
        memberships = list(
            weekly_selectors.with_weeks_done(
                Membership.objects.filter(
                    unit_id__in=list(scope),
                    person__is_active=True,
                    person__organization=organization,
                )
                .exclude(person__role=Person.Role.VIEWER)
                .select_related("person")
                .order_by("person__name", "person_id"),
                organization.pk,
                weeks,
            )
        )
    members: dict[UUID, list[Person]] = defaultdict(list)
    for m in memberships:
        members[m.unit_id].append(m.person)
    rows: dict[int, ChasedKeyResult] = {}
    for key, each in shown.items():
        kr, o = each.kr, each.objective
        rows[key] = ChasedKeyResult(
            kr=kr,
            objective=o,
            team=each.unit,
            judged=each.judged,
            markers=each.markers,
            can_check_in=permissions.can_check_in(person, o, kr, access),
            can_reassign=reassign[key],
            can_ask=kr.owner_id is not None and kr.owner_id != person.id,
            owners=tuple(members.get(o.unit_id, ())) if reassign[key] else (),
        )

    def capped(reason: str, label: str, items: list[_Found]) -> ChaseList:
        return _capped(reason, label, [rows[id(f)] for f in items[:LIST_LIMIT]], len(items))

    chase.key_results = [
        capped(reason, attention.LABELS[reason], items) for reason, items in lists.items()
    ]
    if led:
        if unowned:
            chase.unowned = capped("unowned", "Key results without an owner", unowned)
        led_memberships = [m for m in memberships if m.unit_id in led]
        chase.missing = _missing_updates(person, tree, led_memberships, weeks, now)
    return chase


def _missing_updates(
    person: Person,
    tree: UnitTree,
    memberships: list[Membership],
    weeks: dict[UUID, date],
    now: datetime,
) -> ChaseList | None:
    """Members of the units led who have not written the week's update (each person once,
    under the first of their units by name), with whether they were nudged already
    (``memberships``: annotated by ``weekly_selectors.with_weeks_done``). People outside the
    organization's rollout (``orgs.rollout``) are not chased."""
    for m in memberships:
        m.person.organization = person.organization  # loaded: the rollout's mode is read from it
    inside = people_in_rollout(m.person for m in memberships)
    memberships = [m for m in memberships if m.person_id in inside]
    rows: list[MissingUpdate] = []
    seen: set[UUID] = set()
    for m in sorted(memberships, key=lambda m: (tree.units[m.unit_id].name.lower(), m.unit_id)):
        if m.person_id == person.id or m.written or m.person_id in seen:
            continue
        seen.add(m.person_id)
        unit, week = tree.units[m.unit_id], weeks[m.unit_id]
        deadline = weekly_selectors.team_deadline(unit, week)
        rows.append(
            MissingUpdate(
                person=m.person,
                unit=unit,
                week=week,
                deadline=timezone.localtime(deadline, deadline.tzinfo),
                nudged=m.nudged,
                overdue=now >= deadline,
            )
        )
    if not rows:
        return None
    rows.sort(key=lambda r: (not r.overdue, r.unit.name.lower(), r.person.name.lower()))
    return _capped("missing", "Weekly updates not written", rows)
