"""The setup checklist on an admin's dashboard: four steps of a rollout (method.md §9), each read
from the organization's data, except the weekly deadline, which an admin confirms."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists
from django.urls import reverse

from cadence.okrs.models import Objective
from cadence.onboarding.models import Checklist
from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.selectors import Access


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    text: str
    done: bool
    url: str
    action: str  # the link's words


@dataclass(frozen=True)
class SetupChecklist:
    steps: list[Step]

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def complete(self) -> bool:
        return all(step.done for step in self.steps)


def _deadline_summary(teams: list[Unit]) -> str:
    """The teams' most common deadline, e.g. "Friday 17:00 (UTC)"."""
    rhythms = Counter(
        (team.checkin_weekday, team.checkin_time.strftime("%H:%M"), team.time_zone)
        for team in teams
    )
    if not rhythms:
        return "Friday 17:00, each team in its own time zone"
    (weekday, at, zone), count = rhythms.most_common(1)[0]
    text = f"{Unit.Weekday(weekday).label} {at} ({zone})"
    others = sum(rhythms.values()) - count
    return text + (f", and {others} team{'s' if others != 1 else ''} otherwise" if others else "")


def checklist_flags(person: Person) -> dict:
    """What the checklist reads, as ``Exists`` expressions that do not depend on the row they
    are read with: a page that runs a query anyway reads them there (the dashboard, with its
    figures: ``okrs.selectors.unit_stats_and_flags``) and passes the values to
    ``setup_checklist``. Empty for a person who is shown no checklist."""
    if not person.is_admin:
        return {}
    organization = person.organization
    checklist = Checklist.objects.filter(organization=organization)
    return {
        "checklist_dismissed": Exists(checklist.filter(dismissed_at__isnull=False)),
        "deadline_confirmed": Exists(checklist.filter(deadline_confirmed_at__isnull=False)),
        # More than one person: someone active besides the admin who reads it.
        "others_invited": Exists(
            Person.objects.filter(organization=organization, is_active=True).exclude(pk=person.pk)
        ),
        "company_objectives": Exists(
            Objective.objects.filter(unit__organization=organization, unit__kind=Unit.Kind.COMPANY)
        ),
    }


def setup_checklist(person: Person, flags: dict | None = None) -> SetupChecklist | None:
    """The checklist for an admin's dashboard; None for others, once dismissed, or when every
    step is done. ``flags``: the values of ``checklist_flags`` read by the caller (else one
    query reads them here)."""
    if not person.is_admin:
        return None
    # The teams (with their deadlines) from the request's unit tree, in its order (by name).
    teams = [u for u in Access.of(person).tree.units.values() if u.kind == Unit.Kind.TEAM]
    if flags is None:
        expressions = checklist_flags(person)
        flags = (
            Organization.objects.filter(pk=person.organization_id)
            .annotate(**expressions)
            .values(*expressions)
            .get()
        )
    if flags["checklist_dismissed"]:
        return None
    steps = [
        Step(
            "units",
            "Add departments and teams",
            "Decide the levels you will set objectives at: the company, perhaps departments, "
            "and the teams that do the work.",
            bool(teams),
            reverse("unit_settings_list"),
            "Set up teams",
        ),
        Step(
            "people",
            "Invite people",
            "Start with the team leads, a pilot team, or everyone at once.",
            bool(flags["others_invited"]),
            reverse("people_invite"),
            "Invite people",
        ),
        Step(
            "deadline",
            "Agree the weekly check-in",
            f"Weekly updates are due {_deadline_summary(teams)}. Keep it or change it per "
            "team; the check-in meeting that follows takes 15 minutes.",
            bool(flags["deadline_confirmed"]),
            reverse("unit_settings_list"),
            "Change deadlines",
        ),
        Step(
            "objectives",
            "Draft the first company objectives",
            "Three to five objectives for the cycle; teams then write theirs and align them.",
            bool(flags["company_objectives"]),
            reverse("cycles"),
            "Go to cycles",
        ),
    ]
    result = SetupChecklist(steps)
    return None if result.complete else result
