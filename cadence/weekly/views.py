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
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.core.htmx import is_htmx
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.forms import add_service_error
from cadence.orgs import selectors as org_selectors
from cadence.orgs import services as org_services
from cadence.orgs.models import Person, Unit
from cadence.weekly import selectors, services
from cadence.weekly.forms import (
    CategoryAddForm,
    CategoryNameForm,
    ItemForm,
    MoveForm,
    RhythmForm,
    link_choices,
    link_value,
    parse_link,
)
from cadence.weekly.models import PLANS, PROBLEMS, PROGRESS, Category, Item
from cadence.weekly.weeks import WeekError, format_week, parse_week, week_of

UNPROCESSABLE = 422
GROUPS = ("person", "category", "objective")
# The named moves between the built-in categories (method.md §4), in the order shown.
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


def can_write_update(actor: Person, person: Person) -> bool:
    """Mirrors the services: the person themself or an admin; viewers never."""
    if actor.is_viewer or person.is_viewer or actor.organization_id != person.organization_id:
        return False
    return actor.pk == person.pk or actor.is_admin


def _page_url(person_id, week: date, anchor: str = "") -> str:
    url = reverse("weekly_update", args=[person_id, format_week(week)])
    return f"{url}#{anchor}" if anchor else url


def _link_objects(organization, value: str):
    """The objective / key result a link choice names (404 when missing or foreign)."""
    parsed = parse_link(value)
    if parsed is None:
        return None, None
    kind, ident = parsed
    if kind == "o":
        return okr_selectors.objective_get(organization, ident), None
    return None, okr_selectors.key_result_get(organization, ident)


def _link_options(person: Person):
    units = [u.id for u in org_selectors.person_units(person)]
    return list(okr_selectors.objectives_for_links(person.organization, unit_ids=units))


def _current_link(item: Item):
    if item.key_result_id:
        return (f"k:{item.key_result_id}", f"↳ {item.key_result.title}")
    if item.objective_id:
        return (f"o:{item.objective_id}", item.objective.title)
    return None


def _decorate_moves(item: Item, categories: list[Category]) -> None:
    """Which moves an item offers: the named ones (Done, Stuck, Resolved…) and every other
    active category of the update."""
    slug = item.category.slug if item.category.unit_id is None else None
    available = {c.slug: c for c in categories}
    quick = [
        (target, label)
        for target, label in QUICK_MOVES.get(slug, ())
        if target in available and target != item.category.slug
    ]
    named = {target for target, _ in quick}
    item.quick_moves = [(t, label, available[t].name) for t, label in quick]
    item.other_moves = [
        (c.slug, c.name) for c in categories if c.pk != item.category_id and c.slug not in named
    ]


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
    team = selectors.primary_team(person)
    categories = selectors.categories_for(organization, team)
    update = selectors.update_of(organization, person, week)
    items = list(update.items.all()) if update else []
    can_edit = can_write_update(viewer, person)
    groups: dict = {c.id: [] for c in categories}
    extra: dict = {}
    for item in items:
        if item.category_id not in groups:
            groups[item.category_id] = []
            extra[item.category_id] = item.category
        groups[item.category_id].append(item)
        _decorate_moves(item, categories)
    options = _link_options(person) if can_edit else []
    choices = link_choices(options)
    forms = forms or {}
    current = selectors.current_week(person)
    columns = []
    for category in [*categories, *extra.values()]:
        active = category.id not in extra
        form = None
        if can_edit and active:
            form = forms.get(category.slug) or ItemForm(
                choices=choices, prefix_id=f"add-{category.slug}"
            )
        columns.append(
            {"category": category, "items": groups[category.id], "form": form, "active": active}
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
        "all_items": items,
        "person": person,
        "week": week,
        "week_label": format_week(week),
        "week_end": week + timedelta(days=6),
        "previous_label": format_week(week - timedelta(days=7)),
        "next_label": format_week(week + timedelta(days=7)),
        "is_current": week == current,
        "current_label": format_week(current),
        "is_me": viewer.pk == person.pk,
        "team": team,
        "columns": columns,
        "can_edit": can_edit,
        "deleted": selectors.deleted_items_of(organization, person, week) if can_edit else [],
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
    return redirect(_page_url(person.pk, selectors.current_week(person)))


# A person's update ------------------------------------------------------------------------


@login_required
def weekly_update(request: HttpRequest, person_id, week: str) -> HttpResponse:
    """GET: the update. POST: add an item to one of its categories."""
    viewer = request.user
    organization = viewer.organization
    person = org_selectors.person_get(organization, person_id)
    monday = _week_or_404(week)
    if format_week(monday) != week:
        return redirect(_page_url(person.pk, monday))
    if request.method != "POST":
        return _render_board(request, person, monday)
    if not can_write_update(viewer, person):
        raise PermissionDenied("Only the person themself or an admin may change this update.")
    slug = (request.POST.get("category") or "").strip()
    options = _link_options(person)
    form = ItemForm(request.POST, choices=link_choices(options), prefix_id=f"add-{slug}")
    if form.is_valid():
        objective, key_result = _link_objects(organization, form.cleaned_data["link"])
        try:
            item = services.item_create(
                actor=viewer,
                person=person,
                week=monday,
                category=slug,
                text=form.cleaned_data["text"],
                objective=objective,
                key_result=key_result,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            if is_htmx(request):
                response = _render_board(request, person, monday, focus=f"add-{item.category.slug}")
                message = f"Added to {item.category.name}: {item.text}"
                response["HX-Trigger"] = _trigger(message)
                return response
            messages.success(request, f"Added to {item.category.name}.")
            return redirect(_page_url(person.pk, monday, f"item-{item.id}"))
    return _render_board(
        request,
        person,
        monday,
        forms={slug: form},
        focus=f"add-{slug}",
        status=UNPROCESSABLE,
    )


def _item_for_change(request: HttpRequest, item_id, *, include_deleted=False) -> Item:
    return selectors.item_get(request.user.organization, item_id, include_deleted=include_deleted)


@login_required
def item_edit(request: HttpRequest, item_id) -> HttpResponse:
    """GET: the edit form (inline for htmx). POST: save the text and the link."""
    viewer = request.user
    organization = viewer.organization
    item = _item_for_change(request, item_id)
    person = item.update.person
    if not can_write_update(viewer, person):
        raise PermissionDenied("Only the person themself or an admin may change this update.")
    choices = link_choices(_link_options(person), _current_link(item))
    form_id = f"edit-{item.id}"
    if request.method == "POST":
        form = ItemForm(request.POST, choices=choices, prefix_id=form_id)
        if form.is_valid():
            objective, key_result = _link_objects(organization, form.cleaned_data["link"])
            try:
                if key_result is not None:
                    links = {"key_result": key_result, "objective": key_result.objective}
                else:
                    links = {"objective": objective, "key_result": None}
                services.item_update(
                    actor=viewer, item=item, text=form.cleaned_data["text"], **links
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return _done(request, item, "Item saved.", focus=f"item-{item.id}")
        status = UNPROCESSABLE
    else:
        form = ItemForm(
            initial={"text": item.text, "link": link_value(item)},
            choices=choices,
            prefix_id=form_id,
        )
        status = 200
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
    return week_of(timezone.now(), unit.time_zone)


@login_required
def team_report(request: HttpRequest, unit_id) -> HttpResponse:
    """A unit's week: every member's update grouped by person, category or objective, the
    plan completion rate, the share of plans linked to OKRs and who has not updated. A
    department or the company shows its teams' aggregate."""
    organization = request.user.organization
    unit = org_selectors.unit_get(organization, unit_id)
    week = _report_week(request, unit)
    if unit.kind == Unit.Kind.TEAM:
        report = selectors.team_report(organization, unit, week)
    else:
        report = selectors.unit_report(organization, unit, week)
    group = request.GET.get("group") if request.GET.get("group") in GROUPS else "person"
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
        "this_week_label": format_week(week_of(timezone.now(), unit.time_zone)),
        "deadline": selectors.team_deadline(unit, report.week, organization.pk),
        "can_settings": may_open_weekly_settings(org_selectors.Access(request.user), unit),
        "nav": "weekly",
    }
    return render(request, "weekly/team_report.html", context)


# Weekly settings: a unit's rhythm and the categories ----------------------------------------


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


def _category_rows(categories: list[Category], row_forms: dict) -> list[dict]:
    rows = []
    for index, category in enumerate(categories):
        form = row_forms.get(category.id) or CategoryNameForm(
            initial={"name": category.name}, prefix_id=f"category-{category.id}"
        )
        rows.append(
            {
                "category": category,
                "form": form,
                "first": index == 0,
                "last": index == len(categories) - 1,
            }
        )
    return rows


def _categories_context(organization, unit: Unit | None, row_forms: dict, add_form) -> dict:
    active, archived = selectors.categories_in_scope(organization, unit)
    return {
        "rows": _category_rows(active, row_forms),
        "archived": archived,
        "add_form": add_form or CategoryAddForm(prefix_id="add"),
    }


def _render_team_settings(
    request: HttpRequest,
    unit: Unit,
    *,
    status: int = 200,
    rhythm_form: RhythmForm | None = None,
    add_form: CategoryAddForm | None = None,
    row_forms: dict | None = None,
) -> HttpResponse:
    person = request.user
    organization = person.organization
    can_rhythm, can_categories = weekly_settings_rights(org_selectors.Access(person), unit)
    week = week_of(timezone.now(), unit.time_zone)
    context = {
        "unit": unit,
        "can_rhythm": can_rhythm,
        "can_categories": can_categories,
        "rhythm_form": rhythm_form
        or RhythmForm(
            initial={
                "checkin_weekday": unit.checkin_weekday,
                "checkin_time": unit.checkin_time,
                "time_zone": unit.time_zone,
            }
        ),
        "next_deadline": _next_deadline(unit, week),
        "org_categories": selectors.categories_in_scope(organization, None)[0],
        "nav": "weekly",
    }
    if unit.kind == Unit.Kind.TEAM:
        context.update(_categories_context(organization, unit, row_forms or {}, add_form))
    return render(request, "weekly/team_settings.html", context, status=status)


def _next_deadline(unit: Unit, week: date):
    due = selectors.team_deadline(unit, week)
    if due <= timezone.now():
        due = selectors.team_deadline(unit, week + timedelta(days=7))
    return due


def _render_org_categories(
    request: HttpRequest,
    *,
    status: int = 200,
    add_form: CategoryAddForm | None = None,
    row_forms: dict | None = None,
) -> HttpResponse:
    context = _categories_context(request.user.organization, None, row_forms or {}, add_form)
    context["nav"] = "weekly"
    return render(request, "weekly/weekly_categories.html", context, status=status)


def _team_settings_url(unit_id, anchor: str = "") -> str:
    url = reverse("team_settings", args=[unit_id])
    return f"{url}#{anchor}" if anchor else url


@login_required
def team_settings(request: HttpRequest, unit_id) -> HttpResponse:
    """A team's weekly settings: its deadline (weekday, time, time zone) and its own
    categories; the organization-wide categories are listed read-only. The company unit's page
    has the rhythm only (it applies to people in no team)."""
    person = request.user
    unit = org_selectors.unit_get(person.organization, unit_id)
    if unit.kind == Unit.Kind.DEPARTMENT:
        raise Http404("Departments have no weekly settings; their teams do.")
    can_rhythm, can_categories = weekly_settings_rights(org_selectors.Access(person), unit)
    if not (can_rhythm or can_categories):
        raise PermissionDenied(f"Only people of {unit.name}, its leads and admins may do this.")
    if request.method != "POST":
        return _render_team_settings(request, unit)
    action = request.POST.get("action")
    if action == "rhythm":
        if not can_rhythm:
            raise PermissionDenied(f"Only leads of {unit.name} or above and admins may do this.")
        form = RhythmForm(request.POST)
        if form.is_valid():
            try:
                org_services.unit_rhythm_update(actor=person, unit=unit, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "The weekly deadline is saved.")
                return redirect(_team_settings_url(unit.pk, "rhythm-heading"))
        return _render_team_settings(request, unit, rhythm_form=form, status=UNPROCESSABLE)
    if action == "add" and unit.kind == Unit.Kind.TEAM:
        if not can_categories:
            raise PermissionDenied(f"Only people of {unit.name}, its leads and admins may do this.")
        form = CategoryAddForm(request.POST, prefix_id="add")
        if form.is_valid():
            try:
                category = services.category_create(actor=person, unit=unit, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Category {category.name} added.")
                return redirect(_team_settings_url(unit.pk, f"category-{category.pk}"))
        return _render_team_settings(request, unit, add_form=form, status=UNPROCESSABLE)
    return HttpResponseBadRequest("Unknown action.")


@login_required
def weekly_categories(request: HttpRequest) -> HttpResponse:
    """The organization-wide weekly categories (admins): Plans, Progress, Problems and custom
    ones every update shows."""
    person = request.user
    if not person.is_admin:
        raise PermissionDenied("Only organization admins change organization-wide categories.")
    if request.method != "POST":
        return _render_org_categories(request)
    if request.POST.get("action") != "add":
        return HttpResponseBadRequest("Unknown action.")
    form = CategoryAddForm(request.POST, prefix_id="add")
    if form.is_valid():
        try:
            category = services.category_create(actor=person, unit=None, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Category {category.name} added.")
            return redirect(f"{reverse('weekly_categories')}#category-{category.pk}")
    return _render_org_categories(request, add_form=form, status=UNPROCESSABLE)


CATEGORY_DONE = {
    "rename": "Category renamed to {name}.",
    "up": "{name} moved up.",
    "down": "{name} moved down.",
    "archive": "{name} archived: its items stay in their weeks.",
    "restore": "{name} restored.",
}


def _change_category(actor: Person, category: Category, action: str, form) -> Category:
    if action == "rename":
        return services.category_update(
            actor=actor, category=category, name=form.cleaned_data["name"]
        )
    if action in ("up", "down"):
        active, _ = selectors.categories_in_scope(actor.organization, category.unit)
        index = next((i for i, c in enumerate(active) if c.pk == category.pk), 0)
        position = max(0, index - 1) if action == "up" else index + 1
        return services.category_update(actor=actor, category=category, position=position)
    if action == "archive":
        return services.category_archive(actor=actor, category=category)
    return services.category_restore(actor=actor, category=category)


@login_required
def category_change(request: HttpRequest, category_id) -> HttpResponse:
    """Rename, move up or down, archive or restore one category; back to the page it is on."""
    person = request.user
    category = selectors.category_get(person.organization, category_id)
    if not_allowed := _post_only(request):
        return not_allowed
    unit = category.unit
    allowed = (
        person.is_admin
        if unit is None
        else weekly_settings_rights(org_selectors.Access(person), unit)[1]
    )
    if not allowed:
        raise PermissionDenied("You may not change this category.")
    action = request.POST.get("action")
    if action not in CATEGORY_DONE:
        return HttpResponseBadRequest("Unknown action.")
    prefix = f"category-{category.pk}"
    # A button's form carries the current name, so its errors (archive a built-in, restore a
    # name now taken) show on the category's row.
    data = request.POST if action == "rename" else {"name": category.name}
    form = CategoryNameForm(data, prefix_id=prefix)
    if form.is_valid():
        try:
            changed = _change_category(person, category, action, form)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, CATEGORY_DONE[action].format(name=changed.name))
            if unit is None:
                return redirect(f"{reverse('weekly_categories')}#{prefix}")
            return redirect(_team_settings_url(unit.pk, prefix))
    forms_ = {category.pk: form}
    if unit is None:
        return _render_org_categories(request, row_forms=forms_, status=UNPROCESSABLE)
    return _render_team_settings(request, unit, row_forms=forms_, status=UNPROCESSABLE)
