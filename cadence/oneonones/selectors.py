"""Reads of 1:1s. Only the two people of a pair read it: ``pair_get`` answers 404 to anyone
else (admins and other leads included), exactly as for an id that does not exist, and private
notes are read only by their writer."""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cadence.core.ids import uuid_or_404
from cadence.okrs import attention, histories, permissions
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import KeyResult
from cadence.okrs.visibility import sight_of
from cadence.oneonones.models import ActionItem, Feedback, Meeting, Note, Pair, TalkingPoint
from cadence.oneonones.schedule import Schedule
from cadence.orgs.models import Membership, Person
from cadence.orgs.selectors import UnitTree
from cadence.weekly.models import PLANS, PROBLEMS, PROGRESS, Item
from cadence.weekly.weeks import monday_of

# Without an earlier 1:1, the agenda looks back this many weeks of updates.
FIRST_LOOK_BACK_WEEKS = 2
# The order the member's weekly items are talked through: what is stuck first.
CATEGORY_ORDER = (PROBLEMS, PROGRESS, PLANS)
# The key results worth a word in a 1:1 (okrs.attention's reasons).
KR_REASONS = (attention.OFF_TRACK, attention.STALLED)


# Who -----------------------------------------------------------------------------------------


def time_zone_of(lead: Person) -> str:
    """The time zone a pair's schedule is kept in: the lead's own, else the organization's."""
    return lead.time_zone or lead.organization.time_zone or "UTC"


def schedule_of(pair: Pair) -> Schedule:
    return Schedule(
        frequency=pair.frequency,
        weekday=pair.weekday,
        at=pair.at,
        time_zone=time_zone_of(pair.lead),
        starts_on=pair.starts_on,
        minutes=pair.minutes,
    )


def led_unit_ids(person: Person, tree: UnitTree) -> set[UUID]:
    """The units ``person`` leads, and every unit below them."""
    led = set(
        Membership.objects.filter(person=person, role=Membership.Role.LEAD).values_list(
            "unit_id", flat=True
        )
    )
    out = set(led)
    for unit_id in led:
        out.update(u.id for u in tree.descendants(unit_id))
    return out


def can_lead_one_on_one(lead: Person, member: Person, tree: UnitTree | None = None) -> bool:
    """``lead`` leads a unit ``member`` belongs to, or a unit above it (an admin's role gives
    no 1:1s: they are between a lead and their people)."""
    if (
        lead.pk == member.pk
        or lead.organization_id != member.organization_id
        or not (lead.is_active and member.is_active)
        or lead.is_viewer
    ):
        return False
    tree = tree or UnitTree.load(lead.organization)
    led = led_unit_ids(lead, tree)
    return Membership.objects.filter(person=member, unit_id__in=led).exists()


def people_to_pair_with(lead: Person) -> list[Person]:
    """The people ``lead`` may keep a 1:1 with and does not yet."""
    if lead.is_viewer or not lead.is_active:
        return []
    tree = UnitTree.load(lead.organization)
    led = led_unit_ids(lead, tree)
    taken = Pair.objects.filter(lead=lead).values("member_id")
    return list(
        Person.objects.filter(
            organization_id=lead.organization_id,
            is_active=True,
            memberships__unit_id__in=led,
        )
        .exclude(pk=lead.pk)
        .exclude(pk__in=taken)
        .distinct()
        .order_by("name", "id")
    )


# Pairs and meetings --------------------------------------------------------------------------


def pairs_of(person: Person) -> QuerySet[Pair]:
    """The pairs ``person`` is one of the two of (as lead and as member)."""
    return (
        Pair.objects.filter(organization_id=person.organization_id)
        .filter(Q(lead=person) | Q(member=person))
        .select_related("lead", "member", "lead__organization")
        .order_by("member__name", "lead__name", "id")
    )


def pair_with(person: Person, other: Person) -> Pair | None:
    """The 1:1 these two people keep (either one leading), if any."""
    return pairs_of(person).filter(Q(lead=other) | Q(member=other)).first()


def pair_get(person: Person, pair_id) -> Pair:
    """The pair, if ``person`` is one of its two; else 404 (whoever asks: admins too)."""
    pair = pairs_of(person).filter(pk=uuid_or_404(pair_id)).first()
    if pair is None:
        raise Http404("No such 1:1.")
    return pair


def pairs_in_organization_count(organization) -> int:
    """How many pairs an organization keeps: all an admin may know of them."""
    return Pair.objects.filter(organization=organization).count()


def meetings_of(pair: Pair) -> QuerySet[Meeting]:
    return Meeting.objects.filter(pair=pair).order_by("at")


def meeting_get(pair: Pair, meeting_id) -> Meeting:
    meeting = meetings_of(pair).filter(pk=uuid_or_404(meeting_id)).first()
    if meeting is None:
        raise Http404("No such meeting.")
    return meeting


def next_meeting_at(pair: Pair, now: datetime | None = None) -> datetime:
    return schedule_of(pair).next_meeting(now or timezone.now())


def meeting_at(pair: Pair, at: datetime) -> Meeting | None:
    return meetings_of(pair).filter(at=at).first()


def previous_meeting(pair: Pair, at: datetime) -> Meeting | None:
    return meetings_of(pair).filter(at__lt=at).order_by("-at").first()


def past_meetings(pair: Pair, before: datetime) -> list[Meeting]:
    """The pair's meetings before ``before``, newest first: the history."""
    return list(meetings_of(pair).filter(at__lt=before).order_by("-at"))


def action_item_get(pair: Pair, item_id) -> ActionItem:
    item = ActionItem.objects.filter(pair=pair, pk=uuid_or_404(item_id)).first()
    if item is None:
        raise Http404("No such action item.")
    return item


def note_get(pair: Pair, person: Person, note_id) -> Note:
    """A note of the pair that ``person`` may read (a private one only by its writer)."""
    note = (
        notes_visible_to(person)
        .filter(meeting__pair=pair, pk=uuid_or_404(note_id))
        .select_related("meeting")
        .first()
    )
    if note is None:
        raise Http404("No such note.")
    return note


def notes_visible_to(person: Person) -> QuerySet[Note]:
    """The rule of private notes, in one place: shared notes, and one's own private ones."""
    return Note.objects.filter(Q(private=False) | Q(author=person))


def action_items_on(pair: Pair, at: datetime) -> list[ActionItem]:
    """The action items shown on the pair's meeting at ``at``: raised in it or before, and not
    ticked in an earlier meeting (one row carried from meeting to meeting, never copied)."""
    items = list(
        ActionItem.objects.filter(pair=pair, raised_in__at__lte=at)
        .filter(Q(done_in__isnull=True) | Q(done_in__at__gte=at))
        .select_related("raised_in", "done_in")
        .order_by("raised_in__at", "created_at")
    )
    for item in items:
        # Done as of that meeting (an earlier meeting shows it still open).
        item.done_by_then = item.done_in_id is not None and item.done_in.at <= at
    return items


def feedback_of(pair: Pair, *, viewer: Person) -> list[Feedback]:
    """The pair's feedback; a link to an objective ``viewer`` may not see is not shown."""
    sight = sight_of(viewer)
    out = list(
        Feedback.objects.filter(pair=pair).select_related(
            "author", "objective", "key_result__objective"
        )
    )
    for feedback in out:
        if feedback.objective is not None and not sight.sees(feedback.objective):
            feedback.objective = feedback.key_result = None
        elif feedback.key_result is not None and not sight.sees(feedback.key_result.objective):
            feedback.key_result = None
    return out


# The agenda ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultToDiscuss:
    key_result: KeyResult
    objective_title: str
    reasons: tuple[str, ...]

    @property
    def labels(self) -> list[str]:
        return [attention.LABELS[r] for r in self.reasons]


@dataclass
class Agenda:
    """What a 1:1 goes through, drawn from the member's own data."""

    since: date  # the first week of updates looked at (a Monday)
    until: date  # the last (a Monday)
    # The member's weekly items since the last 1:1: (category name, slug, items), Problems
    # first, then Progress, then Plans, then any other category.
    updates: list[tuple[str, str, list[Item]]] = field(default_factory=list)
    key_results: list[KeyResultToDiscuss] = field(default_factory=list)
    # The member's personal development objectives of the current cycle (those the reader may
    # see: the lead of a 1:1 leads the member, so all of them), with their progress.
    personal: list[okr_selectors.BoardObjective] = field(default_factory=list)


def _category_rank(slug: str, position: int) -> tuple:
    if slug in CATEGORY_ORDER:
        return (0, CATEGORY_ORDER.index(slug))
    return (1, position)


def weekly_items_since(
    member: Person, since: date, until: date, *, viewer: Person
) -> list[tuple[str, str, list]]:
    """The member's weekly items of the weeks ``since`` … ``until`` (Mondays), by category in
    the 1:1's order. An item carried into a later week is shown once, as its latest copy. An
    item linked to an objective ``viewer`` may not see is left out (okrs.visibility)."""
    sight = sight_of(viewer)
    items = list(
        Item.objects.filter(
            organization_id=member.organization_id,
            update__person=member,
            update__week__gte=since,
            update__week__lte=until,
            deleted_at__isnull=True,
        )
        .filter(
            sight.optional("objective", personal=True)
            & sight.optional("key_result__objective", personal=True)
        )
        .select_related("category", "update", "key_result", "objective")
        .order_by("update__week", "position", "created_at")
    )
    continued = {i.carried_over_from_id for i in items if i.carried_over_from_id}
    groups: dict[UUID, list[Item]] = defaultdict(list)
    categories = {}
    for item in items:
        if item.id in continued:
            continue
        groups[item.category_id].append(item)
        categories[item.category_id] = item.category
    ordered = sorted(
        categories.values(), key=lambda c: (_category_rank(c.slug, c.position), c.name)
    )
    return [(c.name, c.slug, groups[c.id]) for c in ordered]


def key_results_to_discuss(
    member: Person, now: datetime, *, viewer: Person
) -> list[KeyResultToDiscuss]:
    """The member's own key results (they own them) in the current cycle that are off track or
    stalled, by okrs' rules (``okrs.attention``), furthest behind first; only those of
    objectives ``viewer`` may see."""
    organization = member.organization
    today = timezone.localdate(now)
    cycle = okr_selectors.cycle_current(organization, today)
    if cycle is None:
        return []
    owned = KeyResult.objects.filter(owner=member).values("objective_id")
    board = okr_selectors.board_for_cycle(
        organization, cycle, today=today, viewer=viewer, scope=Q(pk__in=owned)
    )
    objectives = list(board.objectives.values())
    found = histories.key_result_histories_many(objectives, now=now)
    out = []
    for o in objectives:
        live = permissions.objective_is_open(o)
        running = o.cycle.start <= today <= o.cycle.end
        for kr in o.krs:
            if kr.owner_id != member.pk:
                continue
            history = found.get(kr.id)
            judged = attention.judge(
                live=live,
                running=running,
                pace=kr.pace,
                confidence=kr.confidence or None,
                stalled=bool(history and history.stalled),
                stale=bool(history and history.stale),
                forecast_short=False,
            )
            reasons = tuple(r for r in judged.reasons if r in KR_REASONS)
            if reasons:
                out.append(KeyResultToDiscuss(kr.model, o.title, reasons))
    rank = {kr.key_result.pk: i for i, kr in enumerate(out)}
    return sorted(out, key=lambda k: (KR_REASONS.index(k.reasons[0]), rank[k.key_result.pk]))


def personal_objectives_to_discuss(
    member: Person, now: datetime, *, viewer: Person
) -> list[okr_selectors.BoardObjective]:
    """The member's personal objectives of the current cycle that ``viewer`` may see, as on a
    board (progress, key results), live ones first."""
    organization = member.organization
    today = timezone.localdate(now)
    cycle = okr_selectors.cycle_current(organization, today)
    if cycle is None:
        return []
    board = okr_selectors.board_for_cycle(
        organization, cycle, today=today, viewer=viewer, scope=Q(owner_person=member), personal=True
    )
    return sorted(
        board.objectives.values(), key=lambda o: (not permissions.objective_is_open(o), o.position)
    )


def agenda_for(pair: Pair, at: datetime, now: datetime | None = None, *, viewer: Person) -> Agenda:
    """The agenda of the pair's meeting at ``at``: the member's weekly updates since the
    previous 1:1 (the weeks from the one it was held in to the one of this meeting), and their
    key results that are off track or stalled, and their personal objectives."""
    now = now or timezone.now()
    tz = zoneinfo.ZoneInfo(time_zone_of(pair.lead))
    until = monday_of(at.astimezone(tz).date())
    before = previous_meeting(pair, at)
    if before is not None:
        since = monday_of(before.at.astimezone(tz).date())
    else:
        since = until - timedelta(weeks=FIRST_LOOK_BACK_WEEKS - 1)
    return Agenda(
        since=since,
        until=until,
        updates=weekly_items_since(pair.member, since, until, viewer=viewer),
        key_results=key_results_to_discuss(pair.member, now, viewer=viewer),
        personal=personal_objectives_to_discuss(pair.member, now, viewer=viewer),
    )


@dataclass
class MeetingView:
    """One meeting as one of the two sees it (their own private notes, nobody else's)."""

    pair: Pair
    at: datetime
    meeting: Meeting | None
    agenda: Agenda
    talking_points: list[TalkingPoint]
    notes: list[Note]
    action_items: list[ActionItem]


def meeting_view(
    pair: Pair, viewer: Person, at: datetime, now: datetime | None = None
) -> MeetingView:
    meeting = meeting_at(pair, at)
    points: list[TalkingPoint] = []
    notes: list[Note] = []
    if meeting is not None:
        points = list(meeting.talking_points.select_related("author"))
        notes = list(notes_visible_to(viewer).filter(meeting=meeting).select_related("author"))
    return MeetingView(
        pair=pair,
        at=at,
        meeting=meeting,
        agenda=agenda_for(pair, at, now, viewer=viewer),
        talking_points=points,
        notes=notes,
        action_items=action_items_on(pair, at),
    )


def feedback_subjects(
    pair: Pair, today: date | None = None, *, viewer: Person
) -> list[tuple[str, list]]:
    """What feedback may be about: the current cycle's objectives of the member's units and of
    the units above them (team and company OKRs), each with its key results, as grouped choices
    ("o:<id>", "k:<id>")."""
    member = pair.member
    organization = member.organization
    cycle = okr_selectors.cycle_current(organization, today or timezone.localdate())
    if cycle is None:
        return []
    tree = UnitTree.load(organization)
    own = set(Membership.objects.filter(person=member).values_list("unit_id", flat=True))
    unit_ids = set(own)
    for unit_id in own:
        unit_ids.update(u.id for u in tree.ancestors(unit_id))
    objectives = (
        okr_selectors.objectives_of(organization, viewer)
        .filter(cycle=cycle, unit_id__in=unit_ids)
        .exclude(state="abandoned")
        .select_related("unit")
        .prefetch_related("key_results")
        .order_by("unit__name", "position", "created_at")
    )
    out = []
    for o in objectives:
        group = [(f"o:{o.id}", o.title)]
        group += [(f"k:{kr.id}", f"↳ {kr.title}") for kr in o.key_results.all()]
        out.append((o.unit.name, group))
    return out
