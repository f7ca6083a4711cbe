"""The "Teams and departments" settings pages: the unit tree with a form to add a department
or team (admins), and one unit's settings: name and place in the tree, weekly deadline,
archive, restore or delete (admins), and its people (admins and its leads).

Everyone in the organization may read them; the forms show to those who may use them, and the
services decide again. Adding a unit and changing a unit's people are htmx forms that swap their
own section (a 422 with the messages at the fields); without JavaScript they post and reload.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.core.forms import add_service_error, submit
from cadence.core.htmx import is_htmx
from cadence.orgs import services
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import (
    Access,
    UnitTree,
    person_get,
    unit_get,
    unit_members,
)
from cadence.orgs.unit_forms import DeadlineForm, MemberAddForm, UnitForm
from cadence.orgs.unit_selectors import parent_choices, people_to_add, unit_holdings, unit_rows


def _list_url(anchor: str = "") -> str:
    return reverse("unit_settings_list") + (f"#{anchor}" if anchor else "")


def _unit_url(unit_id, anchor: str = "") -> str:
    return reverse("unit_settings", args=[unit_id]) + (f"#{anchor}" if anchor else "")


@login_required
def unit_settings_list(request: HttpRequest) -> HttpResponse:
    """Every department and team, with leads and member counts; admins add new ones."""
    person = request.user
    organization = person.organization
    tree = UnitTree.load(organization)
    form = UnitForm(
        request.POST if request.method == "POST" else None,
        parents=parent_choices(tree),
        initial={"kind": Unit.Kind.TEAM, "parent": str(tree.root.id) if tree.root else ""},
        prefix_id="new-unit",
    )
    done = submit(
        request,
        form,
        lambda data: services.unit_create(
            actor=person,
            organization=organization,
            parent=data["parent"],
            name=data["name"],
            kind=data["kind"],
        ),
    )
    created = None
    if done.saved:
        created = done.result
        if not is_htmx(request):
            messages.success(request, f"{created.get_kind_display()} {created.name} created.")
            return redirect(_list_url(f"unit-{created.id}"))
        tree = UnitTree.load(organization)
        form = UnitForm(
            parents=parent_choices(tree),
            initial={"kind": created.kind, "parent": str(created.parent_id)},
            prefix_id="new-unit",
        )
    context = {
        "nav": "settings",
        "rows": unit_rows(organization, tree),
        "form": form,
        "created": created,
        "archived_count": sum(1 for u in tree.units.values() if u.archived_at is not None),
    }
    template = "orgs/unit_settings_list.html"
    if is_htmx(request):
        template += "#units-panel"
    return render(request, template, context, status=done.status)


def _unit_context(request, unit: Unit, tree: UnitTree, **forms) -> dict:
    person = request.user
    members = list(unit_members(unit))
    can_admin = person.is_admin
    can_people = Access(person, tree).can_lead_unit(unit) and unit.archived_at is None
    context = {
        "nav": "settings",
        "unit": unit,
        "ancestors": list(reversed(tree.ancestors(unit.id))),
        "children": tree.children.get(unit.id, []),
        "members": members,
        "roles": Membership.Role.choices,
        "can_admin": can_admin,
        "can_people": can_people,
        "has_deadline": unit.kind != Unit.Kind.DEPARTMENT,
        "deletable": False,
        "held": [],
    }
    if can_admin:
        context["details_form"] = forms.get("details_form") or UnitForm(
            parents=parent_choices(tree, unit),
            with_kind=False,
            initial={"name": unit.name, "parent": str(unit.parent_id or "")},
        )
        context["deadline_form"] = forms.get("deadline_form") or DeadlineForm(
            initial={
                "checkin_weekday": unit.checkin_weekday,
                "checkin_time": unit.checkin_time,
                "time_zone": unit.time_zone,
            }
        )
        if unit.kind != Unit.Kind.COMPANY:
            context["held"] = unit_holdings(unit)
            context["deletable"] = not context["held"]
    if can_people:
        context["member_form"] = forms.get("member_form") or MemberAddForm(
            people=people_to_add(unit)
        )
    context["state_errors"] = forms.get("state_errors", [])
    context["people_errors"] = forms.get("people_errors", [])
    context["people_message"] = forms.get("people_message", "")
    return context


def _render_unit(request, unit: Unit, status: int = 200, **forms) -> HttpResponse:
    tree = UnitTree.load(request.user.organization)
    unit = tree.units.get(unit.id, unit)
    context = _unit_context(request, unit, tree, **forms)
    template = "orgs/unit_settings.html"
    if is_htmx(request) and forms.get("partial"):
        template += f"#{forms['partial']}"
    return render(request, template, context, status=status)


@login_required
def unit_settings(request: HttpRequest, unit_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    unit = unit_get(organization, unit_id)
    if request.method != "POST":
        return _render_unit(request, unit)
    action = request.POST.get("action", "")
    if action == "details":
        tree = UnitTree.load(organization)
        form = UnitForm(request.POST, parents=parent_choices(tree, unit), with_kind=False)
        done = submit(
            request,
            form,
            lambda data: services.unit_update(
                actor=person,
                unit=unit,
                name=data["name"],
                parent=data["parent"] if unit.kind != Unit.Kind.COMPANY else None,
            ),
        )
        if done.saved:
            messages.success(request, f"{done.result.name} saved.")
            return redirect(_unit_url(unit.id))
        return _render_unit(request, unit, done.status, details_form=form)
    if action == "deadline":
        form = DeadlineForm(request.POST)
        done = submit(
            request, form, lambda data: services.unit_update(actor=person, unit=unit, **data)
        )
        if done.saved:
            messages.success(request, "The weekly deadline is saved.")
            return redirect(_unit_url(unit.id, "deadline-heading"))
        return _render_unit(request, unit, done.status, deadline_form=form)
    if action in ("archive", "restore", "delete"):
        return _change_state(request, unit, action)
    if action in ("member-add", "member-role", "member-remove"):
        return _change_people(request, unit, action)
    return HttpResponseBadRequest("Unknown action.")


def _change_state(request: HttpRequest, unit: Unit, action: str) -> HttpResponse:
    person = request.user
    try:
        if action == "delete":
            services.unit_delete(actor=person, unit=unit)
            messages.success(request, f"{unit.name} deleted.")
            return redirect(_list_url())
        if action == "archive":
            services.unit_archive(actor=person, unit=unit)
            messages.success(
                request, f"{unit.name} archived. Its objectives and weekly updates stay readable."
            )
        else:
            services.unit_restore(actor=person, unit=unit)
            messages.success(request, f"{unit.name} restored.")
    except ValidationError as error:
        return _render_unit(request, unit, 422, state_errors=error.messages)
    return redirect(_unit_url(unit.id))


def _change_people(request: HttpRequest, unit: Unit, action: str) -> HttpResponse:
    person = request.user
    form = None
    message = ""
    try:
        if action == "member-add":
            form = MemberAddForm(request.POST, people=people_to_add(unit))
            done = submit(
                request,
                form,
                lambda data: services.membership_set(
                    actor=person, unit=unit, person=data["person"], role=data["role"]
                ),
            )
            if not done.saved:
                return _render_unit(request, unit, done.status, member_form=form, partial="people")
            form = None
            message = (
                f"{done.result.person.name} added as {done.result.get_role_display().lower()}."
            )
        else:
            other = person_get(unit.organization, request.POST.get("person"))
            if action == "member-role":
                role = request.POST.get("role", "")
                membership = services.membership_set(
                    actor=person, unit=unit, person=other, role=role
                )
                message = f"{other.name} is now {membership.get_role_display().lower()}."
            else:
                services.membership_remove(actor=person, unit=unit, person=other)
                message = f"{other.name} removed from {unit.name}."
    except ValidationError as error:
        if form is not None:
            add_service_error(form, error)
        return _render_unit(request, unit, 422, people_errors=error.messages, partial="people")
    if is_htmx(request):
        return _render_unit(request, unit, people_message=message, partial="people")
    messages.success(request, message)
    return redirect(_unit_url(unit.id, "people-heading"))
