"""Weekly pages: a person's update for a week (Plans, Progress, Problems and custom categories)
and a team's (or department's, or the company's) report for a week.

Thin function views: selectors in, one service out. On the update page every change answers
htmx with the whole board (``weekly/update.html#board``), so the columns, the counts and the
"Recently deleted" list always agree; without JavaScript the forms post and the page comes back.
A service's ValidationError re-renders the board with the message at the form (422);
PermissionDenied is the 403 page; a missing or foreign id is a 404.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.coach import selectors as coach_selectors
from cadence.core.forms import UNPROCESSABLE, submit
from cadence.core.htmx import is_htmx, keeping_cycle, safe_next
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Person, Unit
from cadence.weekly import hooks, selectors, services
from cadence.weekly.forms import (
    ItemForm,
    MoveForm,
    link_choices,
    link_value,
    parse_link,
)
from cadence.weekly.models import PLANS, PROBLEMS, PROGRESS, Category, Item
from cadence.weekly.weeks import WeekError, format_week, parse_week

GROUPS = ("person", "category", "objective")
# The named moves between the built-in categories (docs/method.md §4), in the order shown.
QUICK_MOVES = {
    PLANS: ((PROGRESS, "Done"), (PROBLEMS, "Stuck")),
    PROBLEMS: ((PROGRESS, "Resolved"), (PLANS, "Back to plans")),
    PROGRESS: ((PLANS, "Not done"),),
}


# Helpers ----------------------------------------------------------------------------------


def _week_or_404(text: str) -> date:
    try:
        return parse_week(text)
    except WeekError as error:
        raise Http404(str(error)) from error


def _post_only(request: HttpRequest) -> HttpResponse | None:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _page_url(person_id, week: date, anchor: str = "") -> str:
    url = reverse("weekly_update", args=[person_id, format_week(week)])
    return f"{url}#{anchor}" if anchor else url


def _link_objects(organization, value: str, viewer: Person):
    """The objective / key result a link choice names (404 when missing or foreign)."""
    parsed = parse_link(value)
    if parsed is None:
        return None, None
    kind, ident = parsed
    if kind == "o":
        return okr_selectors.objective_get(organization, ident, viewer=viewer), None
    return None, okr_selectors.key_result_get(organization, ident, viewer=viewer)


def _link_options(person: Person):
    # The units they belong to (the request's person's: already read for their sight).
    units = list(org_selectors.Access.of(person).memberships)
    return list(
        okr_selectors.objectives_for_links(person.organization, viewer=person, unit_ids=units)
    )


def _current_link(item: Item):
    if item.key_result_id:
        return (f"k:{item.key_result_id}", f"↳ {item.key_result.title}")
    if item.objective_id:
        return (f"o:{item.objective_id}", item.objective.title)
    return None


@dataclass(frozen=True)
class ItemRow:
    """One item on the board with the moves it offers: the named ones (slug, button label,
    category name: Done, Stuck, Resolved…) and every other active category (slug, name)."""

    item: Item
    quick_moves: tuple[tuple[str, str, str], ...]
    other_moves: tuple[tuple[str, str], ...]


def _item_row(item: Item, categories: list[Category]) -> ItemRow:
    slug = item.category.slug if item.category.unit_id is None else None
    available = {c.slug: c for c in categories}
    quick = [
        (target, label)
        for target, label in QUICK_MOVES.get(slug, ())
        if target in available and target != item.category.slug
    ]
    named = {target for target, _ in quick}
    return ItemRow(
        item=item,
        quick_moves=tuple((t, label, available[t].name) for t, label in quick),
        other_moves=tuple(
            (c.slug, c.name) for c in categories if c.pk != item.category_id and c.slug not in named
        ),
    )


def _board_context(
    request: HttpRequest,
    person: Person,
    week: date,
    *,
    forms: dict[str, ItemForm] | None = None,
    focus: str = "",
    notice: Item | None = None,
) -> dict:
    viewer = request.user
    organization = viewer.organization
    now = timezone.now()
    team, rhythm = selectors.team_and_rhythm(person)
    categories = selectors.categories_for(organization, team)
    update = selectors.update_of(organization, person, week, viewer=request.user)
    items = list(update.items.all()) if update else []
    can_edit = services.can_write_update(viewer, person)
    groups: dict = {c.id: [] for c in categories}
    extra: dict = {}
    for item in items:
        if item.category_id not in groups:
            groups[item.category_id] = []
            extra[item.category_id] = item.category
        groups[item.category_id].append(item)
    options = _link_options(person) if can_edit else []
    choices = link_choices(options)
    forms = forms or {}
    current = rhythm.current_week(now)
    columns = []
    for category in [*categories, *extra.values()]:
        active = category.id not in extra
        form = None
        if can_edit and active:
            form = forms.get(category.slug) or ItemForm(
                choices=choices, prefix_id=f"add-{category.slug}"
            )
        column_items = groups[category.id]
        columns.append(
            {
                "category": category,
                "items": column_items,
                "rows": [_item_row(item, categories) for item in column_items],
                "form": form,
                "active": active,
            }
        )
    shown = {c["category"].slug for c in columns if c["form"] is not None}
    board_errors = [
        message
        for slug, form in forms.items()
        if slug not in shown
        for messages_ in form.errors.values()
        for message in messages_
    ]
    return {
        "board_errors": board_errors,
        # Every item's discussion in one bulk read (feed answers the hook): no query in the
        # template.
        "item_discussions": hooks.item_discussions(viewer, list(items)),
        "person": person,
        "week": week,
        "week_label": format_week(week),
        "week_end": week + timedelta(days=6),
        "previous_label": format_week(week - timedelta(days=7)),
        "next_label": format_week(week + timedelta(days=7)),
        "is_current": week == current,
        "current_label": format_week(current),
        # A week closes at its deadline: still open for late progress, which does not carry.
        "closed": rhythm.is_closed(week, now),
        "deadline": rhythm.deadline(week),
        "time_zone": rhythm.time_zone,
        "is_me": viewer.pk == person.pk,
        "team": team,
        "columns": columns,
        # Read once for the Plans column's advice (coach_ui's tag runs no queries).
        "coach_settings": coach_selectors.settings_of(organization)
        if any(c["category"].slug == "plans" for c in columns)
        else None,
        "can_edit": can_edit,
        # Deleted items belong to the update: none without it, or without any deleted lately.
        "deleted": selectors.deleted_items_of(organization, person, week, viewer=request.user)
        if can_edit and update is not None and update.recently_deleted
        else [],
        "link_choices": choices,
        "focus": focus,
        "notice": notice,
        "submitted": update is not None and update.submitted_at is not None,
        "nav": "weekly",
    }


def _render_board(request: HttpRequest, person: Person, week: date, *, status=200, **kw):
    context = _board_context(request, person, week, **kw)
    if is_htmx(request):
        response = render(request, "weekly/update.html#board", context, status=status)
        if status == UNPROCESSABLE:
            response["HX-Retarget"] = "#weekly-board"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "weekly/update.html", context, status=status)


def _done(request: HttpRequest, item: Item, text: str, **kw) -> HttpResponse:
    """After a change: htmx gets the board (and the live region says what happened); a plain
    form post goes back to the page."""
    week = item.update.week
    if is_htmx(request):
        response = _render_board(request, item.update.person, week, **kw)
        response["HX-Trigger"] = _trigger(text)
        return response
    messages.success(request, text)
    return redirect(_page_url(item.update.person_id, week, f"item-{item.id}"))


def _trigger(message: str) -> str:
    """An HX-Trigger header: the page's live region announces ``message``."""
    return json.dumps({"weekly:changed": {"message": message}})


# My week ----------------------------------------------------------------------------------


@login_required
def weekly_mine(request: HttpRequest) -> HttpResponse:
    """/weekly/: my update for my current week (in my team's time zone)."""
    person = request.user
    return redirect(keeping_cycle(request, _page_url(person.pk, selectors.current_week(person))))


# A person's update ------------------------------------------------------------------------


@login_required
def weekly_update(request: HttpRequest, person_id, week: str) -> HttpResponse:
    """GET: the update. POST: add an item to one of its categories."""
    viewer = request.user
    organization = viewer.organization
    person = org_selectors.person_get_for(viewer, person_id)
    monday = _week_or_404(week)
    if format_week(monday) != week:
        return redirect(_page_url(person.pk, monday))
    if request.method != "POST":
        return _render_board(request, person, monday)
    if not services.can_write_update(viewer, person):
        raise PermissionDenied("Only the person themself or an admin may change this update.")
    slug = (request.POST.get("category") or "").strip()
    options = _link_options(person)
    form = ItemForm(request.POST, choices=link_choices(options), prefix_id=f"add-{slug}")

    def save(data: dict) -> Item:
        objective, key_result = _link_objects(organization, data["link"], person)
        return services.item_create(
            actor=viewer,
            person=person,
            week=monday,
            category=slug,
            text=data["text"],
            objective=objective,
            key_result=key_result,
        )

    done = submit(request, form, save)
    if done.saved:
        item = done.result
        if is_htmx(request):
            response = _render_board(request, person, monday, focus=f"add-{item.category.slug}")
            response["HX-Trigger"] = _trigger(f"Added to {item.category.name}: {item.text}")
            return response
        messages.success(request, f"Added to {item.category.name}.")
        return redirect(_page_url(person.pk, monday, f"item-{item.id}"))
    return _render_board(
        request, person, monday, forms={slug: form}, focus=f"add-{slug}", status=done.status
    )


def _item_for_change(request: HttpRequest, item_id, *, include_deleted=False) -> Item:
    return selectors.item_get(
        request.user.organization, item_id, viewer=request.user, include_deleted=include_deleted
    )


@login_required
def item_edit(request: HttpRequest, item_id) -> HttpResponse:
    """GET: the edit form (inline for htmx). POST: save the text and the link."""
    viewer = request.user
    organization = viewer.organization
    item = _item_for_change(request, item_id)
    person = item.update.person
    if not services.can_write_update(viewer, person):
        raise PermissionDenied("Only the person themself or an admin may change this update.")
    choices = link_choices(_link_options(person), _current_link(item))
    form = ItemForm(
        request.POST if request.method == "POST" else None,
        initial={"text": item.text, "link": link_value(item)},
        choices=choices,
        prefix_id=f"edit-{item.id}",
    )

    def save(data: dict) -> Item:
        objective, key_result = _link_objects(organization, data["link"], person)
        if key_result is not None:
            links = {"key_result": key_result, "objective": key_result.objective}
        else:
            links = {"objective": objective, "key_result": None}
        return services.item_update(actor=viewer, item=item, text=data["text"], **links)

    done = submit(request, form, save)
    if done.saved:
        return _done(request, item, "Item saved.", focus=f"item-{item.id}")
    status = done.status
    context = {
        "item": item,
        "form": form,
        "person": person,
        "week": item.update.week,
        "page_url": _page_url(person.pk, item.update.week, f"item-{item.id}"),
        "board_url": _page_url(person.pk, item.update.week),
        "nav": "weekly",
    }
    if is_htmx(request):
        response = render(request, "weekly/update.html#item_edit", context, status=status)
        if status == UNPROCESSABLE:
            response["HX-Retarget"] = f"#item-{item.id}"
            response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "weekly/item_edit.html", context, status=status)


@login_required
def item_move(request: HttpRequest, item_id) -> HttpResponse:
    viewer = request.user
    item = _item_for_change(request, item_id)
    if not_allowed := _post_only(request):
        return not_allowed
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _move_error(request, item, "Choose a category to move the item to.")
    try:
        moved = services.item_move(
            actor=viewer,
            item=item,
            category=form.cleaned_data["category"],
            position=form.cleaned_data["position"],
        )
    except ValidationError as error:
        return _move_error(request, item, " ".join(error.messages))
    return _done(
        request, moved, f"Moved to {moved.category.name}: {moved.text}", focus=f"item-{item.id}"
    )


def _move_error(request: HttpRequest, item: Item, text: str) -> HttpResponse:
    if is_htmx(request):
        response = _render_board(
            request, item.update.person, item.update.week, status=UNPROCESSABLE
        )
        response["HX-Trigger"] = _trigger(text)
        return response
    messages.error(request, text)
    return redirect(_page_url(item.update.person_id, item.update.week))


@login_required
def item_delete(request: HttpRequest, item_id) -> HttpResponse:
    viewer = request.user
    item = _item_for_change(request, item_id)
    if not_allowed := _post_only(request):
        return not_allowed
    deleted = services.item_delete(actor=viewer, item=item)
    return _done(
        request,
        item,
        f"Deleted: {item.text}. You can restore it for 30 days.",
        notice=deleted,
        focus="deleted",
    )


@login_required
def item_restore(request: HttpRequest, item_id) -> HttpResponse:
    viewer = request.user
    item = _item_for_change(request, item_id, include_deleted=True)
    if not_allowed := _post_only(request):
        return not_allowed
    try:
        services.item_restore(actor=viewer, item=item)
    except ValidationError as error:
        return _move_error(request, item, " ".join(error.messages))
    return _done(request, item, f"Restored: {item.text}", focus=f"item-{item.id}")


# Team report ------------------------------------------------------------------------------


def _report_week(request: HttpRequest, unit: Unit) -> date:
    text = request.GET.get("week")
    if text:
        return _week_or_404(text)
    return selectors.unit_current_week(unit)


@login_required
def team_report(request: HttpRequest, unit_id) -> HttpResponse:
    """A unit's week: every member's update grouped by person, category or objective, the
    plan completion rate, the share of plans linked to OKRs and who has not updated. A
    department or the company shows its teams' aggregate."""
    organization = request.user.organization
    unit = org_selectors.unit_get(organization, unit_id)
    week = _report_week(request, unit)
    report = selectors.report_for(organization, unit, week, viewer=request.user)
    group = request.GET.get("group") if request.GET.get("group") in GROUPS else "person"
    deadline = selectors.team_deadline(unit, report.week, organization.pk)
    context = {
        "unit": unit,
        "report": report,
        "group": group,
        "groups": [(g, g.capitalize()) for g in GROUPS],
        "week": report.week,
        "week_label": format_week(report.week),
        "week_end": report.week + timedelta(days=6),
        "previous_label": format_week(report.previous_week),
        "next_label": format_week(report.next_week),
        "this_week_label": format_week(selectors.unit_current_week(unit)),
        # The cycle the week is in (else the next, else the latest): its items download.
        "export_cycle": okr_selectors.current_of(
            list(okr_selectors.cycles_of(organization)), report.week
        ),
        "deadline": deadline,
        "closed": deadline <= timezone.now(),
        "can_settings": selectors.may_open_weekly_settings(
            org_selectors.Access(request.user), unit
        ),
        "nav": "weekly",
    }
    return render(request, "weekly/team_report.html", context)


@login_required
def weekly_nudge(request: HttpRequest, unit_id, person_id) -> HttpResponse:
    """POST only: a lead asks a member of the unit for this week's update by email (the
    dashboard's "Ask for it"), back to ``next``."""
    actor = request.user
    unit = org_selectors.unit_get(actor.organization, unit_id)
    member = org_selectors.person_get(actor.organization, person_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = safe_next(request, reverse("team_report", args=[unit.pk]))
    try:
        sent = services.weekly_nudge_send(actor=actor, person=member, unit=unit)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if sent:
            messages.success(request, f"{member.name} was asked for the update by email.")
        else:
            messages.info(request, f"{member.name} was asked already this week.")
    return redirect(back)
