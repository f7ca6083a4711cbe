"""Settings → People: everyone in the organization (searched, active / invited / deactivated,
a page at a time); for admins, inviting (one person, pasted addresses or a CSV file with a
preview), resending and revoking invitations, changing roles, deactivating and reactivating,
and the open key results of people who left, to reassign. Settings → Your profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.accounts import selectors as invitation_selectors
from cadence.accounts import services as invitation_services
from cadence.accounts.invitation_rows import (
    MAX_FILE_BYTES,
    RowsRefused,
    decode,
    parse_csv,
    parse_pasted,
    to_csv,
)
from cadence.core.forms import UNPROCESSABLE, submit
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import person_selectors, person_services
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import active_units_of
from cadence.web.forms import (
    ConfirmForm,
    InviteForm,
    PasteForm,
    PeopleFilterForm,
    ProfileForm,
    RoleForm,
    UploadForm,
)
from cadence.weekly import selectors as weekly_selectors

PAGE = 50


def _admin(request: HttpRequest) -> Person:
    if not request.user.is_admin:
        raise PermissionDenied("Only admins manage people.")
    return request.user


def _teams(organization) -> list[Unit]:
    return list(active_units_of(organization).exclude(kind=Unit.Kind.COMPANY).order_by("name"))


@login_required
def people(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    form = PeopleFilterForm(request.GET)
    form.is_valid()
    query = form.cleaned_data.get("q", "")
    status = form.cleaned_data.get("status") or "active"
    if status == "invited" and not person.is_admin:
        status = "active"
    if status == "invited":
        rows = invitation_selectors.invitations_pending(organization, query=query)
    else:
        rows = person_selectors.people_directory(organization, status=status, query=query)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    counts = person_selectors.people_counts(organization)
    context = {
        "nav": "settings",
        "form": form,
        "query": query,
        "status": status,
        "page": page,
        "counts": counts,
        "role_choices": Person.Role.choices,
        "now": timezone.now(),
    }
    if person.is_admin:
        counts["invited"] = invitation_selectors.invitations_open(organization).count()
        context["left_key_results"] = okr_selectors.open_key_results_of_deactivated(organization)
    return render(request, "web/people.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    status = request.POST.get("status", "")
    url = reverse("people")
    if status in ("active", "invited", "deactivated"):
        url += f"?status={status}"
    return redirect(url)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def person_role(request: HttpRequest, person_id) -> HttpResponse:
    target = person_selectors.person_get_any(request.user.organization, person_id)  # else 404
    admin = _admin(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose admin, member or viewer.")
        return _back(request)
    try:
        person_services.person_role_change(
            actor=admin, person=target, role=form.cleaned_data["role"]
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, f"{target.name} is now {form.cleaned_data['role']}.")
    return _back(request)


@login_required
def person_active(request: HttpRequest, person_id) -> HttpResponse:
    """``active=0`` deactivates, ``active=1`` reactivates."""
    target = person_selectors.person_get_any(request.user.organization, person_id)  # else 404
    admin = _admin(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activate = request.POST.get("active") == "1"
    try:
        if activate:
            person_services.person_reactivate(actor=admin, person=target)
        else:
            person_services.person_deactivate(actor=admin, person=target)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            f"{target.name} can sign in again."
            if activate
            else f"{target.name} is deactivated: they cannot sign in and their API tokens are "
            "revoked. Their open key results are listed below for reassignment.",
        )
    return _back(request)


@login_required
def person_erase(request: HttpRequest, person_id) -> HttpResponse:
    """GET: what erasing a deactivated person does, and the button; POST: erase them."""
    target = person_selectors.person_get_any(request.user.organization, person_id)  # else 404
    admin = _admin(request)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    error = None
    if request.method == "POST":
        old_name = target.name
        try:
            erased = person_services.person_erase(actor=admin, person=target)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                f"{old_name} is erased: they are {erased.name} now, everywhere in Cadence.",
            )
            return redirect(reverse("people") + "?status=deactivated")
    return render(
        request,
        "web/person_erase.html",
        {"nav": "settings", "target": target, "error": error},
        status=UNPROCESSABLE if error else 200,
    )


def _invitation_action(request: HttpRequest, invitation_id, act, done: str) -> HttpResponse:
    """Resend or revoke: the invitation (else 404), an admin (else 403), a POST, the service."""
    organization = request.user.organization
    invitation = invitation_selectors.invitation_get(organization, invitation_id)  # else 404
    admin = _admin(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        act(actor=admin, invitation=invitation)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, done.format(email=invitation.email))
    return _back(request)


@login_required
def invitation_resend(request: HttpRequest, invitation_id) -> HttpResponse:
    return _invitation_action(
        request,
        invitation_id,
        invitation_services.invitation_resend,
        "A new invitation is on its way to {email}.",
    )


@login_required
def invitation_revoke(request: HttpRequest, invitation_id) -> HttpResponse:
    return _invitation_action(
        request,
        invitation_id,
        invitation_services.invitation_revoke,
        "The invitation of {email} is revoked.",
    )


def _preview_rows(request: HttpRequest, organization, paste: PasteForm, upload: UploadForm):
    """The rows of the pasted text or uploaded file, checked; or None with errors on the form."""
    try:
        if request.POST.get("action") == "upload":
            if not upload.is_valid():
                return None
            # One byte past the bound is enough to refuse a file that is too big.
            rows = parse_csv(decode(upload.cleaned_data["file"].read(MAX_FILE_BYTES + 1)))
        else:
            if not paste.is_valid():
                return None
            rows = parse_pasted(
                paste.cleaned_data["addresses"],
                role=paste.cleaned_data["role"],
                team=paste.cleaned_data["team"],
            )
    except RowsRefused as error:
        (upload if request.POST.get("action") == "upload" else paste).add_error(None, str(error))
        return None
    return invitation_selectors.invitation_rows_check(organization, rows)


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    """Invite one person, or many: pasted addresses or a CSV file are previewed first, with
    each row's errors; confirming invites the rows that are (still) valid."""
    admin = _admin(request)
    organization = admin.organization
    teams = _teams(organization)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    one = InviteForm(request.POST if action == "one" else None, units=teams)
    paste = PasteForm(request.POST if action == "paste" else None, units=teams)
    upload = UploadForm(
        request.POST if action == "upload" else None,
        request.FILES if action == "upload" else None,
    )
    context = {"nav": "settings", "one": one, "paste": paste, "upload": upload}
    status = 200
    if action == "one":
        done = submit(
            request,
            one,
            lambda data: invitation_services.invitation_create(
                actor=admin,
                organization=organization,
                email=data["email"],
                name=data["name"],
                role=data["role"],
                units=one.chosen_units(),
            ),
        )
        if done.saved:
            messages.success(request, f"The invitation is on its way to {done.result.email}.")
            return redirect(reverse("people") + "?status=invited")
        status = done.status
    elif action in ("paste", "upload"):
        rows = _preview_rows(request, organization, paste, upload)
        if rows is None:
            status = UNPROCESSABLE
        else:
            valid = [r for r in rows if r.ok]
            context.update(
                rows=rows,
                valid_count=len(valid),
                confirm=ConfirmForm(initial={"rows": to_csv(valid)}) if valid else None,
            )
            return render(request, "web/invite_preview.html", context)
    elif action == "confirm":
        confirm = ConfirmForm(request.POST)
        rows = []
        if confirm.is_valid():
            try:
                rows = parse_csv(confirm.cleaned_data["rows"])
            except RowsRefused as error:
                messages.error(request, str(error))
        result = invitation_services.invitations_create_from_rows(
            actor=admin, organization=organization, rows=[r for r in rows if r.ok]
        )
        invited = len(result.invited)
        messages.success(request, f"Invited {invited} {'person' if invited == 1 else 'people'}.")
        for row in result.refused[:20]:
            messages.error(request, f"{row.email}: {' '.join(row.errors)}")
        return redirect(reverse("people") + "?status=invited")
    elif request.method == "POST":
        status = UNPROCESSABLE
    return render(request, "web/invite.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Your name, time zone and email preferences; links to password, email and two-factor."""
    person = request.user
    team = weekly_selectors.primary_team(person)
    team_time_zone = team.time_zone if team else person.organization.time_zone
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={
            "name": person.name,
            "time_zone": person.time_zone,
            "weekly_reminders": person.weekly_reminders,
            "weekly_digests": person.weekly_digests,
        },
        team_time_zone=team_time_zone,
    )
    done = submit(
        request,
        form,
        lambda data: person_services.person_profile_update(actor=person, person=person, **data),
    )
    if done.saved:
        messages.success(request, "Your profile is saved.")
        return redirect("profile")
    return render(
        request, "web/profile.html", {"nav": "settings", "form": form}, status=done.status
    )
