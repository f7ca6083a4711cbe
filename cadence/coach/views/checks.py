"""Coach pages about the checks themselves: the live check as people type, the guide, and the
organization's settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from cadence.coach import selectors as coach_selectors
from cadence.coach import services as coach_services
from cadence.coach.forms import CheckSettingsForm, LiveCheckForm
from cadence.core.forms import submit


@login_required
def coach_check(request: HttpRequest) -> HttpResponse:
    """POST the fields of a key result or objective form; answer the coach's findings as the
    partial coach/_findings.html (the OKR forms and the wizard call it as people type)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = LiveCheckForm(_named_fields(request.POST))
    form.is_valid()  # unreadable parts are dropped, never refused
    values = form.values()
    findings = coach_selectors.live_findings(
        coach_selectors.settings_of(request.user.organization), **values
    )
    context = {
        "rows": coach_selectors.finding_rows(findings),
        "subject": values["subject"],
        "has_text": bool(values["title"]),
    }
    return render(request, "coach/_findings.html", context)


def _named_fields(posted):
    """The check's fields from a form that names them otherwise (the wizard's rows are
    ``form-0-title``…): ``coach_<field>`` gives the posted name to read ``<field>`` from. The
    page says so in plain ``hx-vals``, so no script is evaluated in the browser."""
    data = posted.copy()
    for name in LiveCheckForm.base_fields:
        source = posted.get(f"coach_{name}")
        if source and len(source) <= 100:
            data[name] = posted.get(source, "")
    return data


@login_required
def coach_guide(request: HttpRequest) -> HttpResponse:
    context = {"entries": coach_selectors.catalogue(request.user.organization), "nav": "coach"}
    return render(request, "coach/guide.html", context)


@login_required
def coach_settings(request: HttpRequest) -> HttpResponse:
    person = request.user
    if request.method == "POST":
        coach_services.require_settings_admin(person)
    entries = coach_selectors.catalogue(person.organization)
    form = CheckSettingsForm(request.POST if request.method == "POST" else None, entries=entries)
    done = submit(
        request,
        form,
        lambda data: coach_services.check_settings_update(actor=person, changes=form.changes()),
    )
    if done.saved:
        messages.success(request, "Coach settings saved.")
        return redirect("coach_settings")
    context = {
        "form": form,
        "can_edit": coach_services.can_change_settings(person),
        "fixed": coach_services.FIXED_CHECKS,
        "nav": "coach",
    }
    return render(request, "coach/settings.html", context, status=done.status)
