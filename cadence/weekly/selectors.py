"""Organization-scoped reads of weekly updates, the rhythm (weeks and deadlines) and reports.

The rhythm of a person — when a week's update is due, and so which week they write in now —
comes from their *primary team* (``primary_team``): the team they lead (first by name), else the
first team they belong to (by name). Someone in no team follows the company unit's rhythm (by
default Friday 17:00 in the organization's time zone). "This week" is ``Rhythm.current_week``
(weeks.py): the ISO week of now until its deadline, the next week once the deadline has passed.

The report's numbers (docs/method.md §4), for the people of a report and one week:
- a *plan of the week* is a live (not deleted) item of that week that is in Plans now or was
  moved out of Plans during the week (an ``ItemMove`` from Plans). Items written straight into
  Progress (unplanned work) are not plans. A plan carried over from last week is a plan of this
  week too (it was planned again); the original stays a plan of its own week.
- *done*: a plan of the week that is in Progress now.
- ``completion_rate`` = done / plans of the week (None when there are no plans).
- ``linked_share`` = plans of the week linked to an objective or key result / plans of the week
  (None when there are no plans).
- ``missing``: the report's people (active, not viewers) who have not written in their update
  for the week themselves (``WeeklyUpdate.submitted_at`` is empty; carried items do not count)
  and are in the organization's rollout (``orgs.rollout``): someone outside it may write an
  update, which the report shows, but is never counted as missing. ``expected`` are the
  report's people in the rollout (the "of N" beside the missing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from uuid import UUID

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Concat
from django.http import Http404
from django.utils import timezone

from cadence.core.ids import UUIDText, uuid_or_404
from cadence.mail.models import Delivery
from cadence.okrs.models import Objective
from cadence.okrs.selectors import Viewer
from cadence.okrs.visibility import sight_of
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.rollout_selectors import people_in_rollout
from cadence.orgs.selectors import UnitTree
from cadence.weekly.models import PLANS, PROGRESS, Category, Item, ItemMove, WeeklyUpdate
from cadence.weekly.weeks import (
    Rhythm,
    format_week,
    monday_of,
    next_week,
    previous_week,
    week_of,
)

DEFAULT_WEEKDAY = Unit.Weekday.FRIDAY
DEFAULT_TIME = time(17, 0)
RESTORE_WINDOW = timedelta(days=30)


# Rhythm: primary team, time zone, week, deadline ------------------------------------------


def _team_memberships(person_ids) -> QuerySet[Membership]:
    # "lead" sorts before "member": a team someone leads comes first, then by team name.
    return (
        Membership.objects.filter(
            person_id__in=person_ids, unit__kind=Unit.Kind.TEAM, unit__archived_at__isnull=True
        )
        .select_related("unit")
        .order_by("person_id", "role", "unit__name", "unit_id")
    )


def primary_team(person: Person) -> Unit | None:
    """The team whose rhythm and categories a person's update follows: the team they lead
    (first by name), else the first team they belong to (by name); None outside any team."""
    membership = _team_memberships([person.pk]).first()
    return membership.unit if membership else None


def rhythm_units(*, person_ids) -> dict[UUID, Unit]:
    """person id → the unit whose rhythm applies to them (primary team, else their company
    unit). Two queries for any number of people (one when each is in a team)."""
    person_ids = set(person_ids)
    out: dict[UUID, Unit] = {}
    for membership in _team_memberships(person_ids):
        out.setdefault(membership.person_id, membership.unit)
    rest = person_ids - out.keys()
    if rest:
        # Each one's company unit, with whose it is: one row per person.
        companies = Unit.objects.filter(
            kind=Unit.Kind.COMPANY, organization__people__pk__in=rest
        ).annotate(rhythm_of=F("organization__people__pk"))
        for unit in companies:
            out[unit.rhythm_of] = unit
    return out


def rhythm_unit(person: Person) -> Unit | None:
    """One person's ``rhythm_units``, in one query: their teams (as ``_team_memberships``
    orders them: a team they lead first, then by name) and, after them, their company unit."""
    role = Membership.objects.filter(person_id=person.pk, unit_id=OuterRef("pk")).values("role")
    return (
        Unit.objects.filter(organization_id=person.organization_id)
        .filter(
            Q(kind=Unit.Kind.COMPANY)
            | Q(
                kind=Unit.Kind.TEAM,
                archived_at__isnull=True,
                id__in=Membership.objects.filter(person_id=person.pk).values("unit_id"),
            )
        )
        .annotate(
            company_last=Case(When(kind=Unit.Kind.COMPANY, then=Value(1)), default=Value(0)),
            my_role=Subquery(role[:1]),
        )
        .order_by("company_last", "my_role", "name", "id")
        .first()
    )


def person_time_zone(person: Person) -> str:
    """The person's own time zone, else their primary team's (or company's), else the
    organization's."""
    if person.time_zone:
        return person.time_zone
    unit = rhythm_unit(person)
    return unit.time_zone if unit else person.organization.time_zone


def _organization_time_zone(organization_id) -> str:
    if organization_id is None:
        return "UTC"
    return (
        Organization.objects.filter(pk=organization_id).values_list("time_zone", flat=True).first()
        or "UTC"
    )


def unit_rhythm(unit: Unit | None, organization_id=None) -> Rhythm:
    """A unit's weekly deadline: its check-in weekday and time in its time zone. Without a
    unit: Friday 17:00 in the organization's time zone (or UTC)."""
    if unit is not None:
        return Rhythm(unit.checkin_weekday, unit.checkin_time, unit.time_zone)
    return Rhythm(DEFAULT_WEEKDAY, DEFAULT_TIME, _organization_time_zone(organization_id))


def team_and_rhythm(person: Person) -> tuple[Unit | None, Rhythm]:
    """A person's primary team (None outside any team) and the rhythm their weeks follow (the
    team's, else the company's), from one read of their memberships."""
    unit = rhythm_unit(person)
    team = unit if unit is not None and unit.kind == Unit.Kind.TEAM else None
    return team, unit_rhythm(unit, person.organization_id)


def person_rhythm(person: Person) -> Rhythm:
    """The rhythm a person's weeks follow (their primary team's, else the company's)."""
    return unit_rhythm(rhythm_unit(person), person.organization_id)


def team_deadline(unit: Unit | None, week: date, organization_id=None) -> datetime:
    """When a week's update is due for a unit's people: its check-in weekday and time in its
    time zone. Without a unit: Friday 17:00 in the organization's time zone (or UTC)."""
    return unit_rhythm(unit, organization_id).deadline(week)


def person_deadline(person: Person, week: date) -> datetime:
    return person_rhythm(person).deadline(week)


def current_week(person: Person, now: datetime | None = None) -> date:
    """The Monday of the week the person writes in now: the ISO week of now in their team's
    time zone, or the next one once that week's deadline has passed."""
    return person_rhythm(person).current_week(now or timezone.now())


def unit_current_week(unit: Unit, now: datetime | None = None) -> date:
    """The week a unit's report and meeting show by default: the week its people write in now
    (by the unit's own rhythm)."""
    return unit_rhythm(unit, unit.organization_id).current_week(now or timezone.now())


def unit_this_week(unit: Unit, now: datetime | None = None) -> date:
    """The Monday of the ISO week of now in the unit's time zone: the week whose update a lead
    chases (still this week after its deadline has passed, when it is overdue)."""
    return week_of(now or timezone.now(), unit_rhythm(unit, unit.organization_id).time_zone)


# Nudges: a lead asking a member for the week's update (services.nudges) ---------------------

NUDGE_KEY = "nudge:"


def nudge_key(person_id, week: date) -> str:
    """The mail queue's key of a person's nudge for a week: one per person and week."""
    return f"{NUDGE_KEY}{person_id}:{format_week(monday_of(week))}"


def nudged(organization_id, person_weeks) -> set[tuple[UUID, date]]:
    """Which of these (person id, week) were nudged already: one query."""
    keys = {nudge_key(person_id, week): (person_id, week) for person_id, week in person_weeks}
    if not keys:
        return set()
    sent = Delivery.objects.filter(organization_id=organization_id, key__in=list(keys))
    return {keys[key] for key in sent.values_list("key", flat=True)}


def with_weeks_done(
    memberships: QuerySet[Membership], organization_id, weeks: dict[UUID, date]
) -> QuerySet[Membership]:
    """``memberships`` annotated, for those of the units in ``weeks`` (unit id → the week
    chased), with ``written`` (the person submitted that week's update) and ``nudged`` (a lead
    asked them for it already: the mail queue holds their nudge for that week)."""
    if not weeks:
        return memberships
    by_week: dict[date, list[UUID]] = defaultdict(list)
    for uid, week in weeks.items():
        by_week[week].append(uid)
    written, nudged = [], []
    for week, unit_ids in by_week.items():
        of_units = Q(unit_id__in=unit_ids)
        update = WeeklyUpdate.objects.filter(
            organization_id=organization_id,
            person_id=OuterRef("person_id"),
            week=week,
            submitted_at__isnull=False,
        )
        # ``nudge_key`` of the person and week, queued to that person: the key compared whole
        # (the mail queue's unique index on it answers; a pattern read every queued email).
        nudge = Delivery.objects.filter(
            ~Q(key=""),  # the index's own condition, for the database to see that it applies
            organization_id=organization_id,
            person_id=OuterRef("person_id"),
            key=Concat(
                Value(NUDGE_KEY),
                UUIDText(OuterRef("person_id")),
                Value(f":{format_week(monday_of(week))}"),
                output_field=CharField(),
            ),
        )
        written.append(When(of_units & Exists(update), then=Value(True)))
        nudged.append(When(of_units & Exists(nudge), then=Value(True)))
    return memberships.annotate(
        written=Case(*written, default=Value(False), output_field=BooleanField()),
        nudged=Case(*nudged, default=Value(False), output_field=BooleanField()),
    )


# Categories -------------------------------------------------------------------------------


def _category_order(category: Category) -> tuple:
    # Organization-wide categories first, then the team's own; each by position, then name.
    return (category.unit_id is not None, category.position, category.name.lower())


def categories_of(organization: Organization) -> QuerySet[Category]:
    """Every category of the organization, archived and teams' ones included."""
    return Category.objects.filter(organization=organization).select_related("unit")


def categories_for(organization: Organization, unit: Unit | None = None) -> list[Category]:
    """The active categories of an update: the organization-wide ones and the unit's own."""
    scope = Q(unit__isnull=True)
    if unit is not None:
        scope |= Q(unit=unit)
    categories = list(
        Category.objects.filter(scope, organization=organization, archived_at__isnull=True)
    )
    return sorted(categories, key=_category_order)


def categories_in_scope(
    organization: Organization, unit: Unit | None
) -> tuple[list[Category], list[Category]]:
    """(active, archived) categories of one scope — organization-wide (``unit=None``) or one
    team's own — active ones in their order, archived ones by name."""
    rows = list(categories_of(organization).filter(unit=unit).order_by("position", "name"))
    active = [c for c in rows if c.archived_at is None]
    archived = sorted((c for c in rows if c.archived_at is not None), key=lambda c: c.name.lower())
    return active, archived


def category_get(organization: Organization, category_id) -> Category:
    category = categories_of(organization).filter(pk=uuid_or_404(category_id)).first()
    if category is None:
        raise Http404("No such category.")
    return category


# Updates and items ------------------------------------------------------------------------


def _item_sight(viewer: Viewer) -> Q:
    """An item linked to an objective or key result is seen only with it (okrs.visibility)."""
    sight = sight_of(viewer)
    return sight.optional("objective", personal=True) & sight.optional(
        "key_result__objective", personal=True
    )


def _live_items(viewer: Viewer) -> QuerySet[Item]:
    return (
        Item.objects.filter(deleted_at__isnull=True)
        .filter(_item_sight(viewer))
        .select_related("category", "objective", "key_result")
        # Ties (items carried over together share both) by id: else their order is the plan's.
        .order_by("position", "created_at", "id")
    )


def update_of(
    organization: Organization, person: Person, week: date, *, viewer: Viewer
) -> WeeklyUpdate | None:
    """The person's update for the week (any day of it), ``items.all()`` prefetched with only
    the live items (category, objective and key result loaded); None if there is none."""
    return (
        WeeklyUpdate.objects.filter(organization=organization, person=person, week=monday_of(week))
        .prefetch_related(Prefetch("items", queryset=_live_items(viewer)))
        # Whether ``deleted_items_of`` may find any (without one, the page does not ask).
        .annotate(
            recently_deleted=Exists(
                Item.objects.filter(
                    update_id=OuterRef("pk"),
                    deleted_at__gte=timezone.now() - RESTORE_WINDOW,
                    settled=False,
                )
            )
        )
        .first()
    )


def updates_of(organization: Organization, person: Person) -> QuerySet[WeeklyUpdate]:
    """A person's updates, newest week first."""
    return WeeklyUpdate.objects.filter(organization=organization, person=person).order_by("-week")


def item_get(
    organization: Organization, item_id, *, viewer: Viewer, include_deleted: bool = False
) -> Item:
    items = Item.objects.filter(organization=organization, pk=uuid_or_404(item_id))
    items = items.filter(_item_sight(viewer))
    if not include_deleted:
        items = items.filter(deleted_at__isnull=True)
    item = items.select_related(
        "update", "update__person", "category", "objective", "key_result"
    ).first()
    if item is None:
        raise Http404("No such item.")
    return item


def deleted_items_of(
    organization: Organization,
    person: Person,
    week: date,
    *,
    viewer: Viewer,
    now: datetime | None = None,
) -> list[Item]:
    """The person's items of the week deleted in the last 30 days (they can be restored)."""
    now = now or timezone.now()
    return list(
        Item.objects.filter(
            organization=organization,
            update__person=person,
            update__week=monday_of(week),
            deleted_at__gte=now - RESTORE_WINDOW,
            settled=False,  # taken out with the item it continues, not deleted by the person
        )
        .filter(_item_sight(viewer))
        .select_related("category")
        .order_by("-deleted_at")
    )


def moves_of(item: Item) -> QuerySet[ItemMove]:
    """An item's history of moves between categories, oldest first."""
    return (
        ItemMove.objects.filter(item=item, item__organization_id=item.organization_id)
        .select_related("from_category", "to_category", "actor")
        .order_by("created_at")
    )


# Reports ----------------------------------------------------------------------------------


@dataclass
class PersonWeek:
    """One person's week in a report. ``plan_ids``: the items that are plans (in Plans, or
    moved out of it); ``done_ids``: the plans now in Progress (done)."""

    person: Person
    update: WeeklyUpdate | None
    items: list[Item]
    by_category: list[tuple[Category, list[Item]]]
    plan_ids: frozenset[UUID] = frozenset()
    done_ids: frozenset[UUID] = frozenset()

    @property
    def submitted(self) -> bool:
        return self.update is not None and self.update.submitted_at is not None

    @property
    def planned(self) -> int:
        return len(self.plan_ids)

    @property
    def done(self) -> int:
        return len(self.done_ids)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class TeamReport:
    """A unit's week. For a department or the company (``unit_report``) ``people`` are everyone
    in the unit and below, and ``teams`` holds one report per team inside it."""

    week: date
    unit: Unit
    people: list[PersonWeek]
    categories: list[Category]
    teams: list[TeamReport] = field(default_factory=list)
    # The ids of the report's people who are in the rollout (None: all of them).
    inside: frozenset[UUID] | None = None

    @property
    def previous_week(self) -> date:
        return previous_week(self.week)

    @property
    def next_week(self) -> date:
        return next_week(self.week)

    @property
    def items(self) -> list[Item]:
        return [i for p in self.people for i in p.items]

    @property
    def planned(self) -> int:
        return sum(p.planned for p in self.people)

    @property
    def done(self) -> int:
        return sum(p.done for p in self.people)

    @property
    def linked(self) -> int:
        plans = self.plan_ids
        return sum(1 for i in self.items if i.pk in plans and (i.objective_id or i.key_result_id))

    @cached_property
    def plan_ids(self) -> frozenset[UUID]:
        return frozenset().union(*(p.plan_ids for p in self.people))

    @cached_property
    def done_ids(self) -> frozenset[UUID]:
        """The done plans of everyone in the report (pages and the digest mark them)."""
        return frozenset().union(*(p.done_ids for p in self.people))

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.done, self.planned)

    @property
    def linked_share(self) -> float | None:
        return _rate(self.linked, self.planned)

    @property
    def expected(self) -> list[PersonWeek]:
        if self.inside is None:
            return self.people
        return [p for p in self.people if p.person.pk in self.inside]

    @property
    def outside_ids(self) -> frozenset[UUID]:
        """The report's people outside the rollout (pages say so instead of "not updated")."""
        if self.inside is None:
            return frozenset()
        return frozenset(p.person.pk for p in self.people if p.person.pk not in self.inside)

    @property
    def missing(self) -> list[Person]:
        return [p.person for p in self.expected if not p.submitted]

    @property
    def by_person(self) -> list[PersonWeek]:
        return self.people

    @property
    def by_category(self) -> list[tuple[Category, list[Item]]]:
        """Every item of the week under its category (the update's categories in order, then any
        other category an item is in, e.g. an archived one)."""
        groups: dict[UUID, list[Item]] = {c.id: [] for c in self.categories}
        extra: dict[UUID, Category] = {}
        for item in self.items:
            if item.category_id not in groups:
                extra[item.category_id] = item.category
                groups[item.category_id] = []
            groups[item.category_id].append(item)
        ordered = list(self.categories) + sorted(extra.values(), key=_category_order)
        return [(c, groups[c.id]) for c in ordered]

    @property
    def by_objective(self) -> list[tuple[Objective | None, list[Item]]]:
        """Items under the objective they are linked to (a key result's objective), by title;
        unlinked items last under None."""
        groups: dict[UUID | None, list[Item]] = defaultdict(list)
        objectives: dict[UUID, Objective] = {}
        for item in self.items:
            groups[item.objective_id].append(item)
            if item.objective_id:
                objectives[item.objective_id] = item.objective
        out: list[tuple[Objective | None, list[Item]]] = [
            (o, groups[o.id]) for o in sorted(objectives.values(), key=lambda o: o.title.lower())
        ]
        if groups.get(None):
            out.append((None, groups[None]))
        return out


def _people_weeks(
    organization: Organization,
    people: list[Person],
    week: date,
    categories: list[Category],
    viewer: Viewer,
) -> dict[UUID, PersonWeek]:
    """Each person's update and live items for the week, with plan/done marks: three queries
    for any number of people."""
    updates = {
        u.person_id: u
        for u in WeeklyUpdate.objects.filter(
            organization=organization, week=week, person__in=[p.pk for p in people]
        )
    }
    items_by_update: dict[UUID, list[Item]] = defaultdict(list)
    items = list(_live_items(viewer).filter(organization=organization, update__in=updates.values()))
    planned_before = (
        set(
            ItemMove.objects.filter(
                item__in=[i.pk for i in items],
                from_category__slug=PLANS,
                from_category__unit__isnull=True,
            ).values_list("item_id", flat=True)
        )
        if items
        else set()
    )
    update_by_id = {u.pk: u for u in updates.values()}
    plan_ids: set[UUID] = set()
    done_ids: set[UUID] = set()
    for item in items:
        built_in = item.category.unit_id is None
        item.update = update_by_id[item.update_id]  # the relation, already read: no query
        if (built_in and item.category.slug == PLANS) or item.pk in planned_before:
            plan_ids.add(item.pk)
            if built_in and item.category.slug == PROGRESS:
                done_ids.add(item.pk)
        items_by_update[item.update_id].append(item)
    out = {}
    for person in people:
        update = updates.get(person.pk)
        person_items = items_by_update.get(update.pk, []) if update else []
        for item in person_items:
            item.update.person = person
        groups: dict[UUID, list[Item]] = {c.id: [] for c in categories}
        extra: dict[UUID, Category] = {}
        for item in person_items:
            if item.category_id not in groups:
                groups[item.category_id] = []
                extra[item.category_id] = item.category
            groups[item.category_id].append(item)
        ordered = list(categories) + sorted(extra.values(), key=_category_order)
        out[person.pk] = PersonWeek(
            person=person,
            update=update,
            items=sorted(
                person_items, key=lambda i: (_category_order(i.category), i.position, i.created_at)
            ),
            by_category=[(c, groups[c.id]) for c in ordered],
            plan_ids=frozenset(i.pk for i in person_items if i.pk in plan_ids),
            done_ids=frozenset(i.pk for i in person_items if i.pk in done_ids),
        )
    return out


def _members(unit_ids, week: date) -> list[Membership]:
    """Memberships of non-viewer people in these units (viewers keep no update): the active
    ones, and those who have left since but wrote an update that week (the week's history)."""
    wrote = WeeklyUpdate.objects.filter(person_id=OuterRef("person_id"), week=week)
    return list(
        Membership.objects.filter(unit_id__in=list(unit_ids))
        .filter(Q(person__is_active=True) | Exists(wrote))
        .exclude(person__role=Person.Role.VIEWER)
        .select_related("person")
        .order_by("person__name", "person_id")
    )


def team_report(
    organization: Organization, unit: Unit, week: date, *, viewer: Viewer
) -> TeamReport:
    """A team's week: its members' updates, numbers and groupings, in five queries whatever
    the team's size."""
    if unit.organization_id != organization.pk:
        raise Http404("No such unit.")
    week = monday_of(week)
    people: dict[UUID, Person] = {}
    for membership in _members([unit.pk], week):
        people.setdefault(membership.person_id, membership.person)
    categories = categories_for(organization, unit if unit.kind == Unit.Kind.TEAM else None)
    weeks = _people_weeks(organization, list(people.values()), week, categories, viewer)
    return TeamReport(
        week=week,
        unit=unit,
        people=[weeks[p] for p in people],
        categories=categories,
        inside=_inside(organization, people.values()),
    )


def _inside(organization: Organization, people) -> frozenset[UUID]:
    """Which of a report's people are in the rollout (no query in the everyone mode)."""
    people = list(people)
    for person in people:
        person.organization = organization  # loaded already: the rollout's mode is read from it
    return frozenset(people_in_rollout(people))


def report_for(organization: Organization, unit: Unit, week: date, *, viewer: Viewer) -> TeamReport:
    """The week of any unit, as the team report page and the API show it: a team's own report,
    or a department's or the company's with one summary per team."""
    if unit.kind == Unit.Kind.TEAM:
        return team_report(organization, unit, week, viewer=viewer)
    return unit_report(organization, unit, week, viewer=viewer)


def unit_report(
    organization: Organization, unit: Unit, week: date, *, viewer: Viewer
) -> TeamReport:
    """A department's or the company's week: everyone in the unit and the units below it, and
    one report per team inside it (a team's report when ``unit`` is a team). Six queries
    whatever the number of teams and people."""
    if unit.organization_id != organization.pk:
        raise Http404("No such unit.")
    week = monday_of(week)
    tree = UnitTree.load(organization)
    units = [tree.units.get(unit.pk, unit), *tree.descendants(unit.pk)]
    memberships = _members([u.pk for u in units], week)
    people: dict[UUID, Person] = {}
    members_of: dict[UUID, list[UUID]] = defaultdict(list)
    for membership in memberships:
        people.setdefault(membership.person_id, membership.person)
        members_of[membership.unit_id].append(membership.person_id)
    categories = categories_for(organization, unit if unit.kind == Unit.Kind.TEAM else None)
    weeks = _people_weeks(organization, list(people.values()), week, categories, viewer)
    inside = _inside(organization, people.values())
    teams = [
        TeamReport(
            week=week,
            unit=team,
            people=[weeks[pid] for pid in members_of.get(team.pk, [])],
            categories=categories,
            inside=inside,
        )
        for team in sorted(
            (u for u in units if u.kind == Unit.Kind.TEAM), key=lambda u: u.name.lower()
        )
    ]
    return TeamReport(
        week=week,
        unit=unit,
        people=[weeks[p] for p in people],
        categories=categories,
        teams=teams if unit.kind != Unit.Kind.TEAM else [],
        inside=inside,
    )


# Who may open a unit's weekly settings (the settings pages and the unit page ask) ---------------


def weekly_settings_rights(access: org_selectors.Access, unit: Unit) -> tuple[bool, bool]:
    """(may change the rhythm, may change the team's own categories), mirroring the services:
    the rhythm is for leads of the unit or above and admins; a team's categories also for its
    members. Departments have neither (their teams do)."""
    if unit.kind == Unit.Kind.DEPARTMENT:
        return False, False
    is_team = unit.kind == Unit.Kind.TEAM
    return access.can_lead_unit(unit), is_team and access.can_edit_unit(unit)


def may_open_weekly_settings(access: org_selectors.Access, unit: Unit) -> bool:
    return any(weekly_settings_rights(access, unit))
