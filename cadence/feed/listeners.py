"""The feed's answers to the hooks of the apps below it that tell of events concerning people
(alignment's approvals and dependencies, kpis' band crossings): each becomes notifications
through ``notify.notify``, in the transaction of the change."""

from __future__ import annotations

from django.urls import reverse

from cadence.alignment import selectors as alignment_selectors
from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.core import emails
from cadence.feed import notices, notify
from cadence.kpis import bands
from cadence.kpis import selectors as kpi_selectors
from cadence.kpis.models import Kpi, KpiCrossing
from cadence.mail.models import Delivery

APPROVAL_KEY = "approval:"
KPI_KEY = "kpi:"


def approval_asked(*, event: ApprovalEvent) -> None:
    objective = event.objective
    url = reverse("objective_detail", args=[objective.pk])
    who = event.actor.name if event.actor else "Someone"
    for person in alignment_selectors.approvers_to_tell(objective):
        notify.notify(
            person=person,
            kind=notices.APPROVAL_ASKED,
            actor=event.actor,
            objective=objective,
            text=f"{who} asks for your approval of “{objective.title}” ({objective.unit.name})",
            url=url,
            key=f"approval_asked:{event.pk}:{person.pk}",
        )


def objective_reviewed(*, event: ApprovalEvent) -> None:
    objective = event.objective
    approved = event.action == ApprovalEvent.Action.APPROVED
    url = reverse("objective_detail", args=[objective.pk])
    who = event.actor.name if event.actor else "Someone"
    outcome = "approved" if approved else "returned"
    people = {p.pk: p for p in (objective.owner, objective.created_by) if p is not None}
    for person in people.values():
        notify.notify(
            person=person,
            kind=notices.APPROVAL_OUTCOME,
            actor=event.actor,
            objective=objective,
            text=f"{who} {outcome} “{objective.title}”",
            url=url,
            key=f"approval_outcome:{event.pk}:{person.pk}",
            email_kind=Delivery.Kind.APPROVAL,
            email_key_prefix=APPROVAL_KEY,
            email_template="objective_reviewed",
            email_context={
                "objective": objective,
                "comment": event.comment,
                "approved": approved,
                "objective_url": emails.absolute_url(url),
            },
        )


def dependency_asked(*, dependency: Dependency) -> None:
    objective = dependency.objective
    url = reverse("objective_detail", args=[objective.pk])
    who = dependency.requested_by.name if dependency.requested_by else "Someone"
    for person in alignment_selectors.dependency_people_to_tell(dependency):
        notify.notify(
            person=person,
            kind=notices.DEPENDENCY_ASKED,
            actor=dependency.requested_by,
            objective=objective,
            text=(
                f"{who} ({objective.unit.name}) asks {dependency.provider.name} for help with "
                f"“{objective.title}”: {dependency.description}"
            ),
            url=url,
            key=f"dependency:{dependency.pk}:{person.pk}",
        )


def kpi_left_band(*, kpi: Kpi, crossing: KpiCrossing) -> None:
    url = reverse("kpi_detail", args=[kpi.id])
    band = bands.band_text(kpi.band_min, kpi.band_max, kpi.unit_of_measure)
    for person in kpi_selectors.leads_to_tell(kpi.unit):
        notify.notify(
            person=person,
            kind=notices.KPI_LEFT_BAND,
            kpi=kpi,
            text=f"{kpi.name} ({kpi.unit.name}) left its healthy band ({band})",
            url=url,
            key=f"kpi:{crossing.pk}:{person.pk}",
            email_kind=Delivery.Kind.KPI,
            email_key_prefix=KPI_KEY,
            email_template="kpi_left_band",
            email_context={
                "kpi": kpi,
                "band": band,
                "value": crossing.current_value,
                "kpi_url": emails.absolute_url(url),
                "recovery_url": emails.absolute_url(url + "recovery/"),
            },
        )
