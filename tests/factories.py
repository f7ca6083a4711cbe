"""Test data built through the same services production uses (as in Zulip)."""

from datetime import date
from itertools import count

from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.okrs.visibility import Sight
from cadence.orgs import services as org_services
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import company_unit

_seq = count(1)
PASSWORD = "correct horse battery staple"


def make_org(name: str = "Acme") -> tuple[Organization, Person]:
    n = next(_seq)
    org = org_services.organization_create(
        name=f"{name} {n}",
        admin_email=f"admin{n}@{name.lower()}.test",
        admin_name=f"Admin {n}",
        admin_password=PASSWORD,
    )
    return org, org.people.get()


def make_person(org: Organization, role: str = Person.Role.MEMBER, name: str = "") -> Person:
    n = next(_seq)
    return org_services.person_create(
        organization=org,
        email=f"person{n}@example.test",
        name=name or f"Person {n}",
        role=role,
        password=PASSWORD,
    )


def make_unit(org: Organization, name: str, kind: str = Unit.Kind.TEAM, parent=None) -> Unit:
    return org_services.unit_create(
        actor=None, organization=org, parent=parent or company_unit(org), name=name, kind=kind
    )


def make_cycle(
    admin: Person,
    name: str = "",
    start=date(2026, 10, 1),
    end=date(2026, 12, 31),
    kind: str = Cycle.Kind.QUARTER,
) -> Cycle:
    return okr_services.cycle_create(
        actor=admin, name=name or f"Cycle {next(_seq)}", kind=kind, start=start, end=end
    )


def make_objective(actor: Person, cycle: Cycle, unit: Unit, title: str = "", **kw) -> Objective:
    return okr_services.objective_create(
        actor=actor, cycle=cycle, unit=unit, title=title or f"Objective {next(_seq)}", **kw
    )


def make_kr(actor: Person, objective: Objective, title: str = "", **kw) -> KeyResult:
    kw.setdefault("start", 0)
    kw.setdefault("target", 100)
    return okr_services.key_result_create(
        actor=actor, objective=objective, title=title or f"Key result {next(_seq)}", **kw
    )


def join(unit: Unit, person: Person, role: str = Membership.Role.MEMBER) -> Membership:
    return org_services.membership_set(actor=None, unit=unit, person=person, role=role)


# Reads in tests that are not about visibility see everything (cadence.okrs.visibility).
ALL = Sight(everything=True)


def set_rollout(org: Organization, mode: str, pilots=()) -> Organization:
    """The organization's rollout mode and pilot units, through the service."""
    from cadence.orgs.rollout_services import rollout_update

    rollout_update(actor=None, organization=org, mode=mode, pilot_unit_ids=[u.pk for u in pilots])
    org.refresh_from_db()
    return org
