"""The setup checklist on an admin's dashboard: four steps of a rollout (method.md §9), each read
from the organization's data, except the weekly deadline, which an admin confirms."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery
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


def setup_checklist(person: Person) -> SetupChecklist | None:
    """The checklist for an admin's dashboard; None for others, once dismissed, or when every
    step is done."""
    if not person.is_admin:
        return None
    organization = person.organization
    # The teams (with their deadlines) from the request's unit tree, in its order (by name).
    teams = [u for u in Access.of(person).tree.units.values() if u.kind == Unit.Kind.TEAM]
    checklist = Checklist.objects.filter(organization=OuterRef("pk"))
    # The checklist's dates, how many people, whether it has company objectives: one query.
    figures = (
        Organization.objects.filter(pk=organization.pk)
        .annotate(
            checklist_dismissed_at=Subquery(checklist.values("dismissed_at")[:1]),
            deadline_confirmed_at=Subquery(checklist.values("deadline_confirmed_at")[:1]),
            people_count=Subquery(
                Person.objects.filter(organization=OuterRef("pk"), is_active=True)
                .order_by()
                .values("organization")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            has_company_objectives=Exists(
                Objective.objects.filter(
                    unit__organization=OuterRef("pk"), unit__kind=Unit.Kind.COMPANY
                )
            ),
        )
        .values(
            "checklist_dismissed_at",
            "deadline_confirmed_at",
            "people_count",
            "has_company_objectives",
        )
        .get()
    )
    if figures["checklist_dismissed_at"] is not None:
        return None
    people = figures["people_count"] or 0
    company_objectives = figures["has_company_objectives"]
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
            people > 1,
            reverse("people_invite"),
            "Invite people",
        ),
        Step(
            "deadline",
            "Agree the weekly check-in",
            f"Weekly updates are due {_deadline_summary(teams)}. Keep it or change it per "
            "team; the check-in meeting that follows takes 15 minutes.",
            figures["deadline_confirmed_at"] is not None,
            reverse("unit_settings_list"),
            "Change deadlines",
        ),
        Step(
            "objectives",
            "Draft the first company objectives",
            "Three to five objectives for the cycle; teams then write theirs and align them.",
            company_objectives,
            reverse("cycles"),
            "Go to cycles",
        ),
    ]
    result = SetupChecklist(steps)
    return None if result.complete else result
