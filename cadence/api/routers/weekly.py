"""Weekly updates (Plans, Progress, Problems and custom categories), their items, categories and
the team report. Weeks are written as ISO weeks, ``2026-W47``; a malformed week is bad input
(422 on ``week``)."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema, Status

from cadence.api.auth import actor
from cadence.api.common import body_object, organization
from cadence.api.errors import fields_renamed
from cadence.api.schemas import ERRORS, Flag, Input, Position, WeekText, omittable, text
from cadence.okrs.selectors import key_result_get, objective_get
from cadence.orgs.selectors import person_get, unit_get
from cadence.weekly import selectors, services
from cadence.weekly.models import Category, Item
from cadence.weekly.selectors import PersonWeek, TeamReport
from cadence.weekly.weeks import WeekError, format_week, parse_week

router = Router(tags=["weekly"])

ItemText = text(services.MAX_ITEM_TEXT, min_chars=1)
CategoryName = text(services.MAX_CATEGORY_NAME, min_chars=1)
# A category's slug: plans, progress, problems or a custom category's.
CategorySlug = Annotated[
    str,
    Field(
        max_length=40,
        pattern=r"^[-a-zA-Z0-9_]+$",
        description="plans, progress, problems or a custom category's slug.",
    ),
]
ITEM_FIELDS = {"objective": "objective_id", "key_result": "key_result_id"}


def _week(text: str | None) -> date:
    try:
        return parse_week(text or "")
    except WeekError as exc:
        raise ValidationError({"week": str(exc)}) from exc


# Schemas ----------------------------------------------------------------------------------


class CategoryOut(Schema):
    id: UUID
    slug: str = Field(description="What items name their category by; stays when renamed.")
    name: str
    position: int
    carries_over: bool = Field(description="Open items carry into next week at the deadline.")
    unit_id: UUID | None = Field(description="The team it belongs to; null: organization-wide.")
    built_in: bool
    archived: bool

    @staticmethod
    def resolve_built_in(obj: Category) -> bool:
        return obj.is_built_in

    @staticmethod
    def resolve_archived(obj: Category) -> bool:
        return obj.archived_at is not None


class ItemOut(Schema):
    id: UUID
    category: str = Field(description="The category's slug.")
    text: str
    objective_id: UUID | None
    key_result_id: UUID | None
    carried_over: bool
    carried_over_from_id: UUID | None
    late: bool = Field(
        description="Written into its week after the week's deadline: late progress, which "
        "does not carry over."
    )
    position: int
    person_id: UUID
    week: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_category(obj: Item) -> str:
        return obj.category.slug

    @staticmethod
    def resolve_person_id(obj: Item) -> UUID:
        return obj.update.person_id

    @staticmethod
    def resolve_week(obj: Item) -> str:
        return format_week(obj.update.week)


class WeekOut(Schema):
    person_id: UUID
    week: str
    submitted_at: datetime | None = Field(
        description="When the person first wrote in this update themself; null: not yet."
    )
    deadline: datetime = Field(description="When this week's update is due (the team's rhythm).")
    closed: bool = Field(
        description="The deadline has passed: the person now writes in the next week; what is "
        "added here is late and does not carry over."
    )
    current_week: str = Field(
        description="The week the person writes in now (the next one once this week's "
        "deadline has passed)."
    )
    items: list[ItemOut]
    categories: list[CategoryOut] = Field(description="The categories this update may use.")


class ItemIn(Input):
    category: CategorySlug
    text: ItemText
    objective_id: UUID | None = None
    key_result_id: UUID | None = Field(None, description="Implies its objective.")


class ItemPatch(Input):
    text: ItemText = omittable()
    objective_id: UUID | None = Field(None, description="null unlinks (and its key result).")
    key_result_id: UUID | None = None


class MoveIn(Input):
    category: CategorySlug
    position: Position | None = Field(None, description="0-based place; default last.")


class CategoryIn(Input):
    name: CategoryName
    unit_id: UUID | None = Field(None, description="A team; null: organization-wide (admins).")
    carries_over: Flag = False


class CategoryPatch(Input):
    name: CategoryName = omittable()
    position: Position | None = Field(None, description="0-based place among its scope's.")
    archived: Flag | None = None


class PersonWeekOut(Schema):
    person_id: UUID
    name: str
    submitted: bool
    planned: int
    done: int
    items: list[ItemOut]


class TeamSummaryOut(Schema):
    unit_id: UUID
    name: str
    completion_rate: float | None
    linked_share: float | None
    missing: list[UUID]


class ReportOut(Schema):
    week: str
    unit_id: UUID
    previous_week: str
    next_week: str
    people: list[PersonWeekOut]
    completion_rate: float | None = Field(
        description="Plans of the week now in Progress / plans of the week (null: no plans)."
    )
    linked_share: float | None = Field(
        description="Plans of the week linked to an objective or key result / plans of the week."
    )
    missing: list[UUID] = Field(description="People who have not written their update.")
    teams: list[TeamSummaryOut] = Field(description="For a department or the company: its teams.")


def _person_week(pw: PersonWeek) -> dict:
    return {
        "person_id": pw.person.pk,
        "name": pw.person.name,
        "submitted": pw.submitted,
        "planned": pw.planned,
        "done": pw.done,
        "items": pw.items,
    }


def _report(report: TeamReport) -> dict:
    return {
        "week": format_week(report.week),
        "unit_id": report.unit.pk,
        "previous_week": format_week(report.previous_week),
        "next_week": format_week(report.next_week),
        "people": [_person_week(p) for p in report.people],
        "completion_rate": report.completion_rate,
        "linked_share": report.linked_share,
        "missing": [p.pk for p in report.missing],
        "teams": [
            {
                "unit_id": t.unit.pk,
                "name": t.unit.name,
                "completion_rate": t.completion_rate,
                "linked_share": t.linked_share,
                "missing": [p.pk for p in t.missing],
            }
            for t in report.teams
        ],
    }


# Weekly updates ---------------------------------------------------------------------------


@router.get("/weekly/{person_id}/{week}", response={200: WeekOut, **ERRORS})
def weekly_detail(request: HttpRequest, person_id: str, week: Path[WeekText]) -> dict:
    """A person's update for an ISO week: its live items and the categories it may use."""
    org = organization(request)
    person = person_get(org, person_id)
    monday = _week(week)
    update = selectors.update_of(org, person, monday, viewer=actor(request))
    items = list(update.items.all()) if update else []
    for item in items:
        item.update = update
    team, rhythm = selectors.team_and_rhythm(person)
    now = timezone.now()
    return {
        "person_id": person.pk,
        "week": format_week(monday),
        "submitted_at": update.submitted_at if update else None,
        "deadline": rhythm.deadline(monday),
        "closed": rhythm.is_closed(monday, now),
        "current_week": format_week(rhythm.current_week(now)),
        "items": items,
        "categories": selectors.categories_for(org, team),
    }


@router.post("/weekly/{person_id}/{week}/items", response={201: ItemOut, **ERRORS})
def weekly_item_create(
    request: HttpRequest, person_id: str, week: Path[WeekText], payload: ItemIn
) -> Status:
    """Add an item (the person themself or an admin). Unplanned work may go straight to
    ``progress``."""
    org = organization(request)
    person = person_get(org, person_id)
    monday = _week(week)
    with fields_renamed(ITEM_FIELDS):
        item = services.item_create(
            actor=actor(request),
            person=person,
            week=monday,
            category=payload.category,
            text=payload.text,
            objective=body_object(request, "objective_id", objective_get, payload.objective_id),
            key_result=body_object(request, "key_result_id", key_result_get, payload.key_result_id),
        )
    return Status(201, selectors.item_get(org, item.pk, viewer=actor(request)))


@router.get("/weekly-items/{item_id}", response={200: ItemOut, **ERRORS})
def weekly_item_detail(request: HttpRequest, item_id: str) -> Item:
    return selectors.item_get(organization(request), item_id, viewer=actor(request))


@router.patch("/weekly-items/{item_id}", response={200: ItemOut, **ERRORS})
def weekly_item_update(request: HttpRequest, item_id: str, payload: ItemPatch) -> Item:
    """Change the text and/or the link; ``objective_id: null`` unlinks."""
    org = organization(request)
    item = selectors.item_get(org, item_id, viewer=actor(request))
    data = payload.model_dump(exclude_unset=True)
    changes = {}
    if "text" in data:
        changes["text"] = data["text"]
    if "objective_id" in data:
        changes["objective"] = body_object(
            request, "objective_id", objective_get, data["objective_id"]
        )
    if "key_result_id" in data:
        changes["key_result"] = body_object(
            request, "key_result_id", key_result_get, data["key_result_id"]
        )
    with fields_renamed(ITEM_FIELDS):
        services.item_update(actor=actor(request), item=item, **changes)
    return selectors.item_get(org, item.pk, viewer=actor(request))


@router.delete("/weekly-items/{item_id}", response={204: None, **ERRORS})
def weekly_item_delete(request: HttpRequest, item_id: str) -> Status:
    """Delete an item; it can be restored for 30 days."""
    item = selectors.item_get(organization(request), item_id, viewer=actor(request))
    services.item_delete(actor=actor(request), item=item)
    return Status(204, None)


@router.post("/weekly-items/{item_id}/restore", response={200: ItemOut, **ERRORS})
def weekly_item_restore(request: HttpRequest, item_id: str) -> Item:
    """Bring back an item deleted in the last 30 days."""
    org = organization(request)
    item = selectors.item_get(org, item_id, viewer=actor(request), include_deleted=True)
    services.item_restore(actor=actor(request), item=item)
    return selectors.item_get(org, item.pk, viewer=actor(request))


@router.post("/weekly-items/{item_id}/move", response={200: ItemOut, **ERRORS})
def weekly_item_move(request: HttpRequest, item_id: str, payload: MoveIn) -> Item:
    """Move an item to another category (recorded in its history), or reorder it."""
    org = organization(request)
    item = selectors.item_get(org, item_id, viewer=actor(request))
    services.item_move(
        actor=actor(request), item=item, category=payload.category, position=payload.position
    )
    return selectors.item_get(org, item.pk, viewer=actor(request))


# Categories -------------------------------------------------------------------------------


@router.get("/weekly-categories", response={200: list[CategoryOut], **ERRORS})
def weekly_category_list(
    request: HttpRequest, unit_id: str | None = None, archived: bool = False
) -> list[Category]:
    """The active organization-wide categories and, with ``unit_id``, that team's; with
    ``archived=true`` every category of the organization."""
    org = organization(request)
    unit = unit_get(org, unit_id) if unit_id else None
    if archived:
        return list(selectors.categories_of(org).order_by("unit_id", "position", "name"))
    return selectors.categories_for(org, unit)


@router.post("/weekly-categories", response={201: CategoryOut, **ERRORS})
def weekly_category_create(request: HttpRequest, payload: CategoryIn) -> Status:
    """A custom category for the organization (admins) or a team (its members and leads)."""
    category = services.category_create(
        actor=actor(request),
        name=payload.name,
        unit=body_object(request, "unit_id", unit_get, payload.unit_id),
        carries_over=payload.carries_over,
    )
    return Status(201, category)


@router.patch("/weekly-categories/{category_id}", response={200: CategoryOut, **ERRORS})
def weekly_category_update(
    request: HttpRequest, category_id: str, payload: CategoryPatch
) -> Category:
    """Rename, reorder (``position`` among its scope), archive or restore (``archived``)."""
    category = selectors.category_get(organization(request), category_id)
    return services.category_change(
        actor=actor(request), category=category, **payload.model_dump(exclude_unset=True)
    )


# Reports ----------------------------------------------------------------------------------


@router.get("/teams/{unit_id}/report", response={200: ReportOut, **ERRORS})
def team_report(request: HttpRequest, unit_id: str, week: Query[WeekText | None] = None) -> dict:
    """A team's week (default: the week its people write in now — the next one once this
    week's deadline has passed): every member's items, the plan completion
    rate, the share of plans linked to OKRs and who has not updated. For a department or the
    company, everyone in it and below, with one summary per team."""
    org = organization(request)
    unit = unit_get(org, unit_id)
    monday = _week(week) if week is not None else selectors.unit_current_week(unit)
    return _report(selectors.report_for(org, unit, monday, viewer=actor(request)))
