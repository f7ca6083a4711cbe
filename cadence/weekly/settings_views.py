"""Weekly settings pages: a unit's rhythm (its weekly deadline) and its own categories, and the
organization-wide categories (admins).

Thin function views: every form goes through ``cadence.core.forms.submit`` to one service; who
may open what is ``selectors.weekly_settings_rights`` (the services' rules, for the pages).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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

from cadence.core.forms import submit
from cadence.orgs import selectors as org_selectors
from cadence.orgs import services as org_services
from cadence.orgs.models import Person, Unit
from cadence.weekly import selectors, services
from cadence.weekly.forms import CategoryAddForm, CategoryNameForm, RhythmForm
from cadence.weekly.models import Category


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
    can_rhythm, can_categories = selectors.weekly_settings_rights(
        org_selectors.Access(person), unit
    )
    rhythm = selectors.unit_rhythm(unit, organization.pk)
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
        "next_deadline": rhythm.deadline(rhythm.current_week(timezone.now())),
        "org_categories": selectors.categories_in_scope(organization, None)[0],
        "nav": "weekly",
    }
    if unit.kind == Unit.Kind.TEAM:
        context.update(_categories_context(organization, unit, row_forms or {}, add_form))
    return render(request, "weekly/team_settings.html", context, status=status)


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
    can_rhythm, can_categories = selectors.weekly_settings_rights(
        org_selectors.Access(person), unit
    )
    if not (can_rhythm or can_categories):
        raise PermissionDenied(f"Only people of {unit.name}, its leads and admins may do this.")
    if request.method != "POST":
        return _render_team_settings(request, unit)
    action = request.POST.get("action")
    if action == "rhythm":
        if not can_rhythm:
            raise PermissionDenied(f"Only leads of {unit.name} or above and admins may do this.")
        form = RhythmForm(request.POST)
        done = submit(
            request,
            form,
            lambda data: org_services.unit_rhythm_update(actor=person, unit=unit, **data),
        )
        if done.saved:
            messages.success(request, "The weekly deadline is saved.")
            return redirect(_team_settings_url(unit.pk, "rhythm-heading"))
        return _render_team_settings(request, unit, rhythm_form=form, status=done.status)
    if action == "add" and unit.kind == Unit.Kind.TEAM:
        if not can_categories:
            raise PermissionDenied(f"Only people of {unit.name}, its leads and admins may do this.")
        form = CategoryAddForm(request.POST, prefix_id="add")
        done = submit(
            request,
            form,
            lambda data: services.category_create(actor=person, unit=unit, **data),
        )
        if done.saved:
            messages.success(request, f"Category {done.result.name} added.")
            return redirect(_team_settings_url(unit.pk, f"category-{done.result.pk}"))
        return _render_team_settings(request, unit, add_form=form, status=done.status)
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
    done = submit(
        request, form, lambda data: services.category_create(actor=person, unit=None, **data)
    )
    if done.saved:
        messages.success(request, f"Category {done.result.name} added.")
        return redirect(f"{reverse('weekly_categories')}#category-{done.result.pk}")
    return _render_org_categories(request, add_form=form, status=done.status)


CATEGORY_DONE = {
    "rename": "Category renamed to {name}.",
    "up": "{name} moved up.",
    "down": "{name} moved down.",
    "archive": "{name} archived: its items stay in their weeks.",
    "restore": "{name} restored.",
}


def _change_category(actor: Person, category: Category, action: str, data: dict) -> Category:
    """The one service call each button of a category's row makes."""
    if action == "rename":
        return services.category_update(actor=actor, category=category, name=data["name"])
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
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    unit = category.unit
    allowed = (
        person.is_admin
        if unit is None
        else selectors.weekly_settings_rights(org_selectors.Access(person), unit)[1]
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
    done = submit(request, form, lambda data: _change_category(person, category, action, data))
    if done.saved:
        messages.success(request, CATEGORY_DONE[action].format(name=done.result.name))
        if unit is None:
            return redirect(f"{reverse('weekly_categories')}#{prefix}")
        return redirect(_team_settings_url(unit.pk, prefix))
    forms_ = {category.pk: form}
    if unit is None:
        return _render_org_categories(request, row_forms=forms_, status=done.status)
    return _render_team_settings(request, unit, row_forms=forms_, status=done.status)
