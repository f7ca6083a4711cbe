"""Organization-scoped reads of weekly updates, the rhythm (weeks and deadlines) and reports.

The rhythm of a person — which ISO week "now" is and when its update is due — comes from their
*primary team* (``primary_team``): the team they lead (first by name), else the first team they
belong to (by name). Someone in no team follows the company unit's rhythm (by default Friday
17:00 in the organization's time zone).

The report's numbers (method.md §4), for the people of a report and one week:
- a *plan of the week* is a live (not deleted) item of that week that is in Plans now or was
  moved out of Plans during the week (an ``ItemMove`` from Plans). Items written straight into
  Progress (unplanned work) are not plans. A plan carried over from last week is a plan of this
  week too (it was planned again); the original stays a plan of its own week.
- *done*: a plan of the week that is in Progress now.
- ``completion_rate`` = done / plans of the week (None when there are no plans).
- ``linked_share`` = plans of the week linked to an objective or key result / plans of the week
  (None when there are no plans).
- ``missing``: the report's people (active, not viewers) who have not written in their update
  for the week themselves (``WeeklyUpdate.submitted_at`` is empty; carried items do not count).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cadence.okrs.models import Objective
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import UnitTree, _uuid_or_404
from cadence.weekly.models import PLANS, PROGRESS, Category, Item, ItemMove, WeeklyUpdate
from cadence.weekly.weeks import deadline, monday_of, next_week, previous_week, week_of

DEFAULT_WEEKDAY = Unit.Weekday.FRIDAY
DEFAULT_TIME = time(17, 0)
RESTORE_WINDOW = timedelta(days=30)


# Rhythm: primary team, time zone, week, deadline ------------------------------------------


def _team_memberships(person_ids) -> QuerySet[Membership]:
    # "lead" sorts before "member": a team someone leads comes first, then by team name.
    return (
        Membership.objects.filter(person_id__in=person_ids, unit__kind=Unit.Kind.TEAM)
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
    unit). Two queries for any number of people."""
    person_ids = set(person_ids)
    out: dict[UUID, Unit] = {}
    for membership in _team_memberships(person_ids):
        out.setdefault(membership.person_id, membership.unit)
    rest = person_ids - out.keys()
    if rest:
        org_of = dict(Person.objects.filter(pk__in=rest).values_list("pk", "organization_id"))
        companies = {
            u.organization_id: u
            for u in Unit.objects.filter(
                organization_id__in=set(org_of.values()), kind=Unit.Kind.COMPANY
            )
        }
        for person_id, org_id in org_of.items():
            if org_id in companies:
                out[person_id] = companies[org_id]
    return out


def rhythm_unit(person: Person) -> Unit | None:
    return rhythm_units(person_ids=[person.pk]).get(person.pk)


def person_time_zone(person: Person) -> str:
    """The person's own time zone, else their primary team's (or company's), else the
    organization's."""
    if person.time_zone:
        return person.time_zone
    unit = rhythm_unit(person)
    return unit.time_zone if unit else person.organization.time_zone


def team_deadline(unit: Unit | None, week: date, organization_id=None) -> datetime:
    """When a week's update is due for a unit's people: its check-in weekday and time in its
    time zone. Without a unit: Friday 17:00 in the organization's time zone (or UTC)."""
    week = monday_of(week)
    if unit is not None:
        return deadline(
            week, weekday=unit.checkin_weekday, at=unit.checkin_time, time_zone=unit.time_zone
        )
    tz = "UTC"
    if organization_id is not None:
        tz = (
            Organization.objects.filter(pk=organization_id)
            .values_list("time_zone", flat=True)
            .first()
            or "UTC"
        )
    return deadline(week, weekday=DEFAULT_WEEKDAY, at=DEFAULT_TIME, time_zone=tz)


def person_deadline(person: Person, week: date) -> datetime:
    return team_deadline(rhythm_unit(person), week, person.organization_id)


def current_week(person: Person, now: datetime | None = None) -> date:
    """The Monday of the person's current ISO week, in their team's time zone."""
    unit = rhythm_unit(person)
    tz = unit.time_zone if unit else person.organization.time_zone
    return week_of(now or timezone.now(), tz)


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
    category = categories_of(organization).filter(pk=_uuid_or_404(category_id)).first()
    if category is None:
        raise Http404("No such category.")
    return category


# Updates and items ------------------------------------------------------------------------


def _live_items() -> QuerySet[Item]:
    return (
        Item.objects.filter(deleted_at__isnull=True)
        .select_related("category", "objective", "key_result")
        .order_by("position", "created_at")
    )


def update_of(organization: Organization, person: Person, week: date) -> WeeklyUpdate | None:
    """The person's update for the week (any day of it), ``items.all()`` prefetched with only
    the live items (category, objective and key result loaded); None if there is none."""
    return (
        WeeklyUpdate.objects.filter(organization=organization, person=person, week=monday_of(week))
        .prefetch_related(Prefetch("items", queryset=_live_items()))
        .first()
    )


def updates_of(organization: Organization, person: Person) -> QuerySet[WeeklyUpdate]:
    """A person's updates, newest week first."""
    return WeeklyUpdate.objects.filter(organization=organization, person=person).order_by("-week")


def item_get(organization: Organization, item_id, *, include_deleted: bool = False) -> Item:
    items = Item.objects.filter(organization=organization, pk=_uuid_or_404(item_id))
    if not include_deleted:
        items = items.filter(deleted_at__isnull=True)
    item = items.select_related(
        "update", "update__person", "category", "objective", "key_result"
    ).first()
    if item is None:
        raise Http404("No such item.")
    return item


def deleted_items_of(
    organization: Organization, person: Person, week: date, *, now: datetime | None = None
) -> list[Item]:
    """The person's items of the week deleted in the last 30 days (they can be restored)."""
    now = now or timezone.now()
    return list(
        Item.objects.filter(
            organization=organization,
            update__person=person,
            update__week=monday_of(week),
            deleted_at__gte=now - RESTORE_WINDOW,
        )
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
    """One person's week in a report. Each item carries ``is_plan`` and ``is_done``."""

    person: Person
    update: WeeklyUpdate | None
    items: list[Item]
    by_category: list[tuple[Category, list[Item]]]

    @property
    def submitted(self) -> bool:
        return self.update is not None and self.update.submitted_at is not None

    @property
    def planned(self) -> int:
        return sum(1 for i in self.items if i.is_plan)

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.is_done)


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
        return sum(1 for i in self.items if i.is_plan and (i.objective_id or i.key_result_id))

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.done, self.planned)

    @property
    def linked_share(self) -> float | None:
        return _rate(self.linked, self.planned)

    @property
    def missing(self) -> list[Person]:
        return [p.person for p in self.people if not p.submitted]

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
    organization: Organization, people: list[Person], week: date, categories: list[Category]
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
    items = list(_live_items().filter(organization=organization, update__in=updates.values()))
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
    for item in items:
        built_in = item.category.unit_id is None
        item.update = update_by_id[item.update_id]
        item.is_plan = (built_in and item.category.slug == PLANS) or item.pk in planned_before
        item.is_done = item.is_plan and built_in and item.category.slug == PROGRESS
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
        )
    return out


def _members(unit_ids) -> list[Membership]:
    """Memberships of active, non-viewer people in these units (viewers keep no update)."""
    return list(
        Membership.objects.filter(unit_id__in=list(unit_ids), person__is_active=True)
        .exclude(person__role=Person.Role.VIEWER)
        .select_related("person")
        .order_by("person__name", "person_id")
    )


def team_report(organization: Organization, unit: Unit, week: date) -> TeamReport:
    """A team's week: its members' updates, numbers and groupings, in five queries whatever
    the team's size."""
    if unit.organization_id != organization.pk:
        raise Http404("No such unit.")
    week = monday_of(week)
    people: dict[UUID, Person] = {}
    for membership in _members([unit.pk]):
        people.setdefault(membership.person_id, membership.person)
    categories = categories_for(organization, unit if unit.kind == Unit.Kind.TEAM else None)
    weeks = _people_weeks(organization, list(people.values()), week, categories)
    return TeamReport(
        week=week, unit=unit, people=[weeks[p] for p in people], categories=categories
    )


def unit_report(organization: Organization, unit: Unit, week: date) -> TeamReport:
    """A department's or the company's week: everyone in the unit and the units below it, and
    one report per team inside it (a team's report when ``unit`` is a team). Six queries
    whatever the number of teams and people."""
    if unit.organization_id != organization.pk:
        raise Http404("No such unit.")
    week = monday_of(week)
    tree = UnitTree.load(organization)
    units = [tree.units.get(unit.pk, unit), *tree.descendants(unit.pk)]
    memberships = _members([u.pk for u in units])
    people: dict[UUID, Person] = {}
    members_of: dict[UUID, list[UUID]] = defaultdict(list)
    for membership in memberships:
        people.setdefault(membership.person_id, membership.person)
        members_of[membership.unit_id].append(membership.person_id)
    categories = categories_for(organization, unit if unit.kind == Unit.Kind.TEAM else None)
    weeks = _people_weeks(organization, list(people.values()), week, categories)
    teams = [
        TeamReport(
            week=week,
            unit=team,
            people=[weeks[pid] for pid in members_of.get(team.pk, [])],
            categories=categories,
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
    )
