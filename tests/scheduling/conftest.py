"""A team in Berlin with a Friday 17:00 deadline, its members, a subscriber, and helpers.

Week 2026-W48 runs from Monday 23 November 2026; its deadline is Friday 27 November, 17:00
Berlin time (16:00 UTC), so reminders are due from 15:00 to 17:00 Berlin time.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from cadence.orgs import services as org_services
from cadence.orgs.models import Person
from cadence.orgs.selectors import company_unit
from cadence.scheduling import services as scheduling_services
from cadence.weekly import services as weekly_services
from tests import factories as f

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = date(2026, 11, 23)  # 2026-W48
NEXT_WEEK = date(2026, 11, 30)


def berlin(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


LONG_AGO = datetime(2026, 1, 5, 9, 0, tzinfo=BERLIN)


def since_long_ago(row):
    """Memberships and subscriptions count for a digest only if they existed at its deadline;
    the tests' weeks must not depend on the day they run, so the rows date from January."""
    type(row).objects.filter(pk=row.pk).update(created_at=LONG_AGO)
    return row


def join(unit, person, role: str = "member"):
    return since_long_ago(f.join(unit, person, role))


def make_team(org, name: str, time_zone: str):
    return org_services.unit_create(
        actor=None,
        organization=org,
        parent=company_unit(org),
        name=name,
        kind="team",
        time_zone=time_zone,
    )


def write_update(person: Person, week: date = WEEK, text: str = "Ship the onboarding email"):
    return weekly_services.item_create(
        actor=person, person=person, week=week, category="plans", text=text
    )


def sent_to(kind: str | None = None) -> list[str]:
    """Recipients of the emails in the outbox, one entry per email (of a kind)."""
    out = []
    for message in mail.outbox:
        if kind is None or message.extra_headers.get("X-Cadence-Kind") == kind:
            out.extend(message.to)
    return sorted(out)


@pytest.fixture
def berlin_team(org):
    return make_team(org, "Growth", "Europe/Berlin")


@pytest.fixture
def alice(org, berlin_team):
    person = f.make_person(org, name="Alice Adler")
    join(berlin_team, person)
    return person


@pytest.fixture
def bob(org, berlin_team):
    person = f.make_person(org, name="Bob Berger")
    join(berlin_team, person)
    return person


@pytest.fixture
def board(org, berlin_team):
    """A viewer (a board member) who follows the team's digest."""
    person = f.make_person(org, role=Person.Role.VIEWER, name="Bea Board")
    since_long_ago(scheduling_services.digest_subscribe(actor=person, unit=berlin_team))
    return person
