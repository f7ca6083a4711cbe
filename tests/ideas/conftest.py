"""An organization with a department and two teams under it, people in each role, and the
next quarter to collect ideas for. The suite's today is 23 November 2026 (tests/clock.py)."""

from dataclasses import dataclass
from datetime import date

import pytest

from cadence.ideas import services
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import company_unit
from tests import factories as f

OPENS = date(2026, 11, 23)  # the suite's today
CLOSES = date(2026, 11, 29)


@dataclass
class World:
    org: Organization
    admin: Person
    company: Unit
    department: Unit
    team: Unit
    other_team: Unit
    head: Person  # leads the department
    lead: Person  # leads the team
    ana: Person  # team member
    ben: Person  # team member
    other: Person  # member of the other team
    viewer: Person  # read-only, a member of the team
    cycle: object  # next quarter


@pytest.fixture
def world(db) -> World:
    org, admin = f.make_org("Ideas")
    department = f.make_unit(org, "Product & Engineering", kind=Unit.Kind.DEPARTMENT)
    team = f.make_unit(org, "Product", parent=department)
    other_team = f.make_unit(org, "Platform", parent=department)
    head = f.make_person(org, name="Hana Head")
    f.join(department, head, Membership.Role.LEAD)
    lead = f.make_person(org, name="Leo Lead")
    f.join(team, lead, Membership.Role.LEAD)
    ana = f.make_person(org, name="Ana Answer")
    f.join(team, ana)
    ben = f.make_person(org, name="Ben Backer")
    f.join(team, ben)
    other = f.make_person(org, name="Ola Other")
    f.join(other_team, other)
    viewer = f.make_person(org, role=Person.Role.VIEWER, name="Vic Viewer")
    f.join(team, viewer)
    cycle = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    return World(
        org,
        admin,
        company_unit(org),
        department,
        team,
        other_team,
        head,
        lead,
        ana,
        ben,
        other,
        viewer,
        cycle,
    )


def open_round(world: World, *, actor=None, unit=None, **kw):
    kw.setdefault("opens_on", OPENS)
    kw.setdefault("closes_on", CLOSES)
    return services.ideas_round_open(
        actor=actor or world.lead, unit=unit or world.team, cycle=world.cycle, **kw
    )
