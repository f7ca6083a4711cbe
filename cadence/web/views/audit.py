"""Settings → Audit trail: the organization's events for its admins, newest first, filtered by
who, what and when, a page at a time. Lives in web: it names people (orgs) beside the events."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cadence.audit import display, kinds
from cadence.audit import selectors as audit_selectors
from cadence.core.htmx import query_object
from cadence.core.limits import FIRST_DATE, LAST_DATE
from cadence.core.validators import validate_date_in_range
from cadence.orgs import selectors as org_selectors


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()},
        format="%Y-%m-%d",
    )


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label="What", required=False)
    start = forms.DateField(
        label="From", required=False, widget=_date_input(), validators=[validate_date_in_range]
    )
    end = forms.DateField(
        label="To", required=False, widget=_date_input(), validators=[validate_date_in_range]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything"), *audit_selectors.kind_filter_choices()]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The last day comes on or after the first.")
        return data


def _rows(events: list) -> list[dict]:
    return [
        {
            "event": e,
            "what": kinds.label_of(e.kind),
            "changes": display.changes_of(e.changes),
        }
        for e in events
    ]


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    person = request.user
    if not person.is_admin:
        raise PermissionDenied("Only admins read the organization's audit trail.")
    organization = person.organization
    actor = query_object(request, "actor", org_selectors.anyone_get, organization)
    form = AuditFilterForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    zone = zoneinfo.ZoneInfo(organization.time_zone or "UTC")
    since = until = None
    if data.get("start"):
        since = dt.datetime.combine(data["start"], dt.time.min, tzinfo=zone)
    if data.get("end") and "end" not in form.errors:
        until = dt.datetime.combine(data["end"] + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    events = audit_selectors.events_of(
        organization,
        since=since,
        until=until,
        actor_id=actor.pk if actor else None,
        kind=data.get("kind") or "",
    )
    error = ""
    after = None
    if request.GET.get("after"):
        after = audit_selectors.Cursor.parse(request.GET["after"])
        if after is None:
            error = "That page link is not one this page made: showing the newest events."
    page, next_cursor = audit_selectors.events_page(events, after=after)
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "nav": "settings",
        "form": form,
        "actor": actor,
        "people": list(
            org_selectors.everyone_of(organization).order_by("name").only("name", "is_active")
        ),
        "rows": _rows(page),
        "zone": zone,
        "filtered": bool(actor or since or until or data.get("kind")),
        "query": query.urlencode(),
        "next_cursor": str(next_cursor) if next_cursor else "",
        "error": error,
    }
    status = 400 if form.errors or error else 200
    return render(request, "audit/trail.html", context, status=status)
