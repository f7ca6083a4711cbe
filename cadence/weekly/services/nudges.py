"""A lead's nudge: one email to a member of their unit who has not written this week's update.

"This week" is the ISO week of now in the unit's time zone (``selectors.unit_this_week``), as on
the dashboard: after its deadline it is overdue, and a late update still counts. A nudge is
queued through the mail queue in the nudge's transaction and audited there; a person is nudged
at most once a week, whoever asks (the mail queue's key), so a second click changes nothing and
says so.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.core import emails
from cadence.core.errors import Conflict
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.orgs.models import Membership, Person, Unit
from cadence.orgs.rollout_selectors import person_in_rollout
from cadence.orgs.selectors import Access
from cadence.weekly import selectors
from cadence.weekly.models import WeeklyUpdate
from cadence.weekly.weeks import format_week


@transaction.atomic
def weekly_nudge_send(
    *, actor: Person, person: Person, unit: Unit, now: datetime | None = None
) -> bool:
    """Ask ``person``, a member of ``unit``, for this week's update by email. The actor leads
    the unit (or a unit above it) or is an admin. Refused when the person has written it, is
    not an active member of the unit, is outside the rollout (orgs.rollout), or is the actor.
    Returns False when they were already nudged this week (nothing more is sent or recorded)."""
    if (
        unit.organization_id != actor.organization_id
        or person.organization_id != actor.organization_id
    ):
        raise PermissionDenied("Not in your organization.")
    if not Access(actor).can_lead_unit(unit):
        raise PermissionDenied(f"Only leads of {unit.name} and admins ask for its updates.")
    if person.pk == actor.pk:
        raise Conflict("Write your own update instead: it is on your weekly page.")
    if (
        not person.is_active
        or person.is_viewer
        or not Membership.objects.filter(unit=unit, person=person).exists()
    ):
        raise Conflict(f"{person.name} is not an active member of {unit.name}.")
    if not person_in_rollout(person):
        raise Conflict(
            f"{person.name} is outside the organization's rollout: nobody asks them for updates."
        )
    now = now or timezone.now()
    week = selectors.unit_this_week(unit, now)
    written = WeeklyUpdate.objects.filter(
        organization_id=unit.organization_id,
        person=person,
        week=week,
        submitted_at__isnull=False,
    ).exists()
    if written:
        raise Conflict(f"{person.name} has written the update for {format_week(week)} already.")
    deadline = selectors.team_deadline(unit, week)
    queued = mail_services.delivery_enqueue(
        kind=Delivery.Kind.REMINDER,
        person=person,
        key=selectors.nudge_key(person.pk, week),
        template="nudge",
        context={
            "person": person,
            "actor": actor,
            "unit": unit,
            "week_label": format_week(week),
            "deadline": timezone.localtime(deadline, deadline.tzinfo),
            "update_url": emails.absolute_url(
                reverse("weekly_update", args=[person.pk, format_week(week)])
            ),
        },
    )
    if queued:
        audit_record(
            organization=unit.organization_id,
            kind="weekly_update.nudged",
            actor=actor,
            target=person,
            changes={"unit": [None, unit.name], "week": [None, format_week(week)]},
        )
    return queued
