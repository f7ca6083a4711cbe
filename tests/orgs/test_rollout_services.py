"""Changing the rollout (admins, audited, validated) and the selector every reminder asks."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadence.audit.models import Event
from cadence.orgs.models import Organization, Person
from cadence.orgs.rollout_selectors import people_in_rollout, pilot_candidates, rollout_of
from cadence.orgs.rollout_services import rollout_update
from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    org, admin = f.make_org()
    dept = f.make_unit(org, "Product", kind="department")
    team = f.make_unit(org, "Growth", parent=dept)
    other = f.make_unit(org, "Sales")
    lead, member, outsider, loner = (
        f.make_person(org, name=n) for n in ("Lena Lead", "Mo Member", "Otto Out", "Lone Person")
    )
    f.join(team, lead, role="lead")
    f.join(team, member)
    f.join(other, outsider)
    return {
        "org": org,
        "admin": admin,
        "dept": dept,
        "team": team,
        "other": other,
        "people": [admin, lead, member, outsider, loner],
        "lead": lead,
        "member": member,
        "outsider": outsider,
        "loner": loner,
    }


def names(ids):
    return sorted(Person.objects.get(pk=pk).name for pk in ids)


def test_an_organization_starts_with_everyone(world):
    assert world["org"].rollout_mode == "everyone"
    assert rollout_of(world["org"]).pilot_units == []
    assert len(people_in_rollout(world["people"])) == 5


@pytest.mark.parametrize(
    ("mode", "pilots", "expected"),
    [
        ("everyone", [], ["Admin", "Lena Lead", "Lone Person", "Mo Member", "Otto Out"]),
        ("leads", [], ["Lena Lead"]),
        ("pilot", ["team"], ["Lena Lead", "Mo Member"]),
        ("pilot", ["dept"], ["Lena Lead", "Mo Member"]),
        ("pilot", ["other"], ["Otto Out"]),
        ("pilot", ["other", "team"], ["Lena Lead", "Mo Member", "Otto Out"]),
    ],
)
def test_who_is_in_each_mode(world, mode, pilots, expected):
    f.set_rollout(world["org"], mode, [world[p] for p in pilots])
    people = list(Person.objects.filter(organization=world["org"]))
    got = [
        n.split(" ")[0] if n.startswith("Admin") else n for n in names(people_in_rollout(people))
    ]
    assert got == expected


def test_the_selector_costs_no_query_for_everyone_and_at_most_three_otherwise(world):
    people = list(Person.objects.filter(organization=world["org"]).select_related("organization"))
    with CaptureQueriesContext(connection) as queries:
        people_in_rollout(people)
    assert len(queries) == 0
    f.set_rollout(world["org"], "pilot", [world["dept"]])
    many = [f.make_person(world["org"]) for _ in range(10)]
    for p in many:
        f.join(world["team"], p)
    fresh = list(Person.objects.filter(organization=world["org"]))  # organization not loaded
    with CaptureQueriesContext(connection) as queries:
        inside = people_in_rollout(fresh)
    assert len(queries) == 3
    assert {p.pk for p in many} <= inside


def test_people_of_several_organizations_are_answered_together(world):
    other_org, other_admin = f.make_org("Other")
    f.set_rollout(world["org"], "leads")
    people = Person.objects.filter(pk__in=[world["member"].pk, world["lead"].pk, other_admin.pk])
    inside = people_in_rollout(people)
    assert inside == {world["lead"].pk, other_admin.pk}


def test_an_archived_pilot_counts_for_nothing(world):
    from cadence.orgs import unit_services

    f.set_rollout(world["org"], "pilot", [world["other"]])
    f.join(world["team"], world["outsider"])
    world["outsider"].memberships.filter(unit=world["other"]).delete()
    unit_services.unit_archive(actor=world["admin"], unit=world["other"])
    assert people_in_rollout([Person.objects.get(pk=world["outsider"].pk)]) == set()
    assert rollout_of(world["org"]).pilot_units == []


def test_the_change_is_audited_with_before_and_after(world):
    rollout_update(
        actor=world["admin"],
        organization=world["org"],
        mode="pilot",
        pilot_unit_ids=[world["team"].pk, world["other"].pk],
    )
    event = Event.objects.get(kind="organization.rollout_changed")
    assert event.changes == {
        "rollout_mode": ["everyone", "pilot"],
        "pilot_units": [[], ["Growth", "Sales"]],
    }
    assert event.actor_id == world["admin"].pk
    org = Organization.objects.get(pk=world["org"].pk)
    assert org.rollout_mode == "pilot"
    assert [u.name for u in rollout_of(org).pilot_units] == ["Growth", "Sales"]
    # The same again changes nothing and records nothing.
    rollout_update(
        actor=world["admin"],
        organization=org,
        mode="pilot",
        pilot_unit_ids=[world["other"].pk, world["team"].pk],
    )
    assert Event.objects.filter(kind="organization.rollout_changed").count() == 1
    rollout_update(actor=world["admin"], organization=org, mode="everyone", pilot_unit_ids=[])
    last = Event.objects.filter(kind="organization.rollout_changed").order_by("-created_at").first()
    assert last.changes == {
        "rollout_mode": ["pilot", "everyone"],
        "pilot_units": [["Growth", "Sales"], []],
    }


@pytest.mark.parametrize("who", ["lead", "member", "viewer"])
def test_only_admins_change_it(world, who):
    person = f.make_person(world["org"], role="viewer") if who == "viewer" else world[who]
    with pytest.raises(PermissionDenied):
        rollout_update(actor=person, organization=world["org"], mode="leads", pilot_unit_ids=[])
    assert Organization.objects.get(pk=world["org"].pk).rollout_mode == "everyone"


def test_an_admin_of_another_organization_is_refused(world):
    _, other_admin = f.make_org("Other")
    with pytest.raises(PermissionDenied):
        rollout_update(
            actor=other_admin, organization=world["org"], mode="leads", pilot_unit_ids=[]
        )


def _refused(world, mode, units, field="pilot_unit_ids"):
    with pytest.raises(ValidationError) as error:
        rollout_update(
            actor=world["admin"], organization=world["org"], mode=mode, pilot_unit_ids=units
        )
    assert field in error.value.message_dict
    org = Organization.objects.get(pk=world["org"].pk)
    assert org.rollout_mode == "everyone"
    assert rollout_of(org).pilot_units == []


def test_bad_input_saves_nothing(world):
    from cadence.orgs import unit_services

    _refused(world, "sometimes", [], field="mode")
    _refused(world, "pilot", [])
    _refused(world, "pilot", [company_unit(world["org"]).pk])
    other_org, _ = f.make_org("Other")
    _refused(world, "pilot", [world["team"].pk, f.make_unit(other_org, "Theirs").pk])
    unit_services.unit_archive(actor=world["admin"], unit=world["other"])
    _refused(world, "pilot", [world["other"].pk])


def test_pilot_candidates_are_the_live_departments_and_teams(world):
    assert [u.name for u in pilot_candidates(world["org"])] == ["Growth", "Product", "Sales"]
