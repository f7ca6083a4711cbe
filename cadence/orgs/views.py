"""Pages about the organization: a unit's page and a person's API tokens.

(Signing in and out are Django's own LoginView and LogoutView, wired in urls.py.)
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.okrs import selectors as okr_selectors
from cadence.okrs.forms import add_service_error
from cadence.okrs.views import KIND_ORDER, decorate_board
from cadence.orgs import selectors, services
from cadence.orgs.forms import ApiTokenForm, ApiTokenRevokeForm
from cadence.orgs.selectors import Access, UnitTree
from cadence.weekly.views import may_open_weekly_settings

UNPROCESSABLE = 422


@login_required
def unit_detail(request: HttpRequest, unit_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    unit = selectors.unit_get(organization, unit_id)
    cycle = okr_selectors.cycle_for_request(organization, request.GET.get("cycle"))
    tree = UnitTree.load(organization)
    access = Access(person, tree)
    members = list(selectors.unit_members(unit))
    subunits = sorted(tree.children.get(unit.id, []), key=lambda u: (KIND_ORDER[u.kind], u.name))
    context = {
        "unit": unit,
        "cycle": cycle,
        "ancestors": list(reversed(tree.ancestors(unit.id))),
        "leads": [m for m in members if m.role == m.Role.LEAD],
        "members": [m for m in members if m.role != m.Role.LEAD],
        "subunits": [{"unit": u} for u in subunits],
        "can_edit": not person.is_viewer and access.can_edit_unit(unit),
        "can_weekly_settings": may_open_weekly_settings(access, unit),
        "objectives": [],
    }
    if cycle is not None:
        # The unit's objectives and the ones they align to; its sub-units only as figures.
        board = okr_selectors.board_for_cycle(
            organization,
            cycle,
            scope=okr_selectors.units_and_parents(organization, cycle, [unit.id]),
        )
        decorate_board(board, person, access)
        context["board"] = board
        context["today"] = board.today
        context["expected"] = board.expected
        context["objectives"] = board.by_unit().get(unit.id, [])
        context["progress"] = board.unit_progress(unit.id)
        stats = okr_selectors.unit_stats(organization, cycle)
        for row in context["subunits"]:
            stat = stats.get(row["unit"].id, okr_selectors.UnitStat())
            row["progress"] = stat.progress
            row["count"] = stat.count
    return render(request, "orgs/unit_detail.html", context)


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """List my tokens, create one (its secret is shown once, on the answer), revoke one."""
    person = request.user
    form = ApiTokenForm()
    secret = None
    created = None
    status = 200
    if request.method == "POST" and request.POST.get("action") == "revoke":
        revoke = ApiTokenRevokeForm(request.POST)
        if revoke.is_valid():
            try:
                services.api_token_revoke(person=person, token_id=revoke.cleaned_data["token_id"])
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "The token was revoked: it no longer works.")
        else:
            messages.error(request, "No such token.")
        return redirect("api_tokens")
    if request.method == "POST":
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                created, secret = services.api_token_create(
                    person=person, name=form.cleaned_data["name"]
                )
            except ValidationError as error:
                add_service_error(form, error)
                status = UNPROCESSABLE
            else:
                form = ApiTokenForm()
        else:
            status = UNPROCESSABLE
    context = {
        "form": form,
        "tokens": list(selectors.api_tokens_of(person)),
        "secret": secret,
        "created": created,
        "cycle": okr_selectors.cycle_current(person.organization),
        "cycle_switch_action": reverse("dashboard"),
        "nav": "tokens",
    }
    response = render(request, "orgs/api_tokens.html", context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@login_required
def settings_index(request: HttpRequest) -> HttpResponse:
    """One place that leads to every setting: personal ones, then the organization's."""
    from cadence.okrs.selectors import cycle_for_request  # okrs builds on orgs

    cycle = cycle_for_request(request.user.organization, request.GET.get("cycle"))
    return render(request, "orgs/settings.html", {"nav": "settings", "cycle": cycle})
