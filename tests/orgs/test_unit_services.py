"""The unit tree's writes: who may make them, the rules of the tree with their messages, nothing
saved on a refusal, and an audit event for every change."""

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.audit.models import Event
from cadence.core.errors import Conflict
from cadence.orgs import services
from cadence.orgs.models import Membership, Person, Unit
from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = pytest.mark.django_db


def messages(exc) -> dict:
    return {k: " ".join(v) for k, v in exc.value.message_dict.items()}


def kinds(org) -> list[str]:
    return list(
        Event.objects.filter(organization=org).order_by("created_at").values_list("kind", flat=True)
    )


@pytest.fixture
def tree(org, admin):
    company = company_unit(org)
    sales = services.unit_create(
        actor=admin, organization=org, parent=company, name="Sales", kind="department"
    )
    emea = services.unit_create(
        actor=admin, organization=org, parent=sales, name="EMEA", kind="team"
    )
    return company, sales, emea


def test_an_admin_creates_a_department_and_a_team_with_audit_events(org, admin, tree):
    company, sales, emea = tree
    assert (sales.parent, sales.kind, emea.parent, emea.kind) == (
        company,
        "department",
        sales,
        "team",
    )
    assert emea.time_zone == company.time_zone
    event = Event.objects.get(kind="unit.created", target_id=str(emea.pk))
    assert event.actor == admin and event.target_label == "EMEA"
    assert event.changes["name"] == [None, "EMEA"] and event.changes["parent"] == [None, "Sales"]


def test_names_are_trimmed_required_bounded_and_unique_among_siblings(org, admin, tree):
    company, sales, _ = tree
    unit = services.unit_create(
        actor=admin, organization=org, parent=company, name="  Customer   Care ", kind="team"
    )
    assert unit.name == "Customer Care"
    before = Unit.objects.count()
    for name, message in (
        ("   ", "Give the unit a name."),
        ("x" * 201, "Keep the name to 200 characters or fewer."),
        ("sales", f"{company.name} already has a unit called sales."),
    ):
        with pytest.raises(ValidationError) as exc:
            services.unit_create(
                actor=admin, organization=org, parent=company, name=name, kind="team"
            )
        assert messages(exc) == {"name": message}
    # The same name under another parent is fine.
    services.unit_create(
        actor=admin, organization=org, parent=sales, name="Customer Care", kind="team"
    )
    assert Unit.objects.count() == before + 1


def test_teams_hold_nothing_and_there_is_one_company(org, admin, tree):
    company, _, emea = tree
    before = (Unit.objects.count(), Event.objects.count())
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=admin, organization=org, parent=emea, name="X", kind="team")
    assert messages(exc) == {"parent": "EMEA is a team, and teams cannot contain other units."}
    with pytest.raises(ValidationError) as exc:
        services.unit_create(
            actor=admin, organization=org, parent=company, name="X", kind="company"
        )
    assert messages(exc) == {"kind": "An organization has exactly one company unit."}
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=admin, organization=org, parent=company, name="X", kind="guild")
    assert messages(exc) == {"kind": "Choose department or team."}
    assert (Unit.objects.count(), Event.objects.count()) == before


def test_only_admins_change_the_tree(org, admin, tree, member, viewer, outsider):
    company, sales, emea = tree
    lead = f.make_person(org)
    f.join(sales, lead, Membership.Role.LEAD)
    for person in (member, viewer, lead):
        with pytest.raises(PermissionDenied, match="Only admins change departments and teams."):
            services.unit_create(
                actor=person, organization=org, parent=sales, name="New", kind="team"
            )
        with pytest.raises(PermissionDenied):
            services.unit_update(actor=person, unit=emea, name="Renamed")
        with pytest.raises(PermissionDenied):
            services.unit_archive(actor=person, unit=emea)
        with pytest.raises(PermissionDenied):
            services.unit_delete(actor=person, unit=emea)
    with pytest.raises(PermissionDenied, match="not part of this organization"):
        services.unit_update(actor=outsider, unit=emea, name="Mine")
    emea.refresh_from_db()
    assert (emea.name, emea.archived_at) == ("EMEA", None)
    assert not Unit.objects.filter(name="New").exists()


def test_rename_move_and_deadline_are_one_audited_change(org, admin, tree):
    company, sales, emea = tree
    marketing = f.make_unit(org, "Marketing", kind="department")
    unit = services.unit_update(
        actor=admin,
        unit=emea,
        name="EMEA Field",
        parent=marketing,
        checkin_weekday=Unit.Weekday.MONDAY,
        checkin_time="09:30",
        time_zone="Europe/Paris",
    )
    unit.refresh_from_db()
    assert (unit.name, unit.parent, unit.checkin_weekday, unit.checkin_time, unit.time_zone) == (
        "EMEA Field",
        marketing,
        0,
        time(9, 30),
        "Europe/Paris",
    )
    event = Event.objects.filter(kind="unit.updated").get()
    assert event.changes == {
        "name": ["EMEA", "EMEA Field"],
        "parent": ["Sales", "Marketing"],
        "checkin_weekday": ["Friday", "Monday"],
        "checkin_time": ["17:00:00", "09:30:00"],
        "time_zone": ["UTC", "Europe/Paris"],
    }
    # Nothing changed, nothing recorded.
    services.unit_update(actor=admin, unit=unit, name="EMEA Field")
    assert Event.objects.filter(kind="unit.updated").count() == 1


def test_moves_keep_a_tree(org, admin, tree):
    company, sales, emea = tree
    inner = f.make_unit(org, "Inner", kind="department", parent=sales)
    cases = [
        (
            company,
            sales,
            Conflict,
            {"parent": "The company is the root of the tree: it cannot be moved."},
        ),
        (
            sales,
            sales,
            ValidationError,
            {"parent": "Sales cannot move into itself or into one of its own sub-units."},
        ),
        (
            sales,
            inner,
            ValidationError,
            {"parent": "Sales cannot move into itself or into one of its own sub-units."},
        ),
        (
            inner,
            emea,
            ValidationError,
            {"parent": "EMEA is a team, and teams cannot contain other units."},
        ),
    ]
    for unit, parent, error, message in cases:
        with pytest.raises(error) as exc:
            services.unit_update(actor=admin, unit=unit, parent=parent, name="Changed")
        assert messages(exc) == message
    assert not Unit.objects.filter(name="Changed").exists()
    assert Unit.objects.get(pk=sales.pk).parent == company
    # Into a sibling whose name is taken there.
    f.make_unit(org, "EMEA", parent=company)
    with pytest.raises(ValidationError) as exc:
        services.unit_update(actor=admin, unit=emea, parent=company)
    assert messages(exc) == {"name": f"{company.name} already has a unit called EMEA."}


def test_departments_have_no_deadline(admin, tree):
    _, sales, _ = tree
    with pytest.raises(ValidationError) as exc:
        services.unit_update(actor=admin, unit=sales, checkin_weekday=0)
    assert messages(exc) == {"__all__": "Departments have no weekly deadline; their teams do."}


def test_archive_children_first_and_restore_parents_first(org, admin, tree):
    company, sales, emea = tree
    with pytest.raises(Conflict) as exc:
        services.unit_archive(actor=admin, unit=sales)
    assert messages(exc) == {"archived": "Archive the units inside Sales first (EMEA)."}
    with pytest.raises(Conflict) as exc:
        services.unit_archive(actor=admin, unit=company)
    assert messages(exc) == {"archived": "The company unit cannot be archived."}
    assert not Unit.objects.filter(archived_at__isnull=False).exists()

    services.unit_archive(actor=admin, unit=emea)
    services.unit_archive(actor=admin, unit=sales)
    with pytest.raises(Conflict) as exc:
        services.unit_restore(actor=admin, unit=emea)
    assert messages(exc) == {"archived": "Sales is archived: restore it before EMEA."}
    with pytest.raises(ValidationError) as exc:
        services.unit_create(actor=admin, organization=org, parent=sales, name="New", kind="team")
    assert messages(exc) == {"parent": "Sales is archived: choose another unit."}
    services.unit_restore(actor=admin, unit=sales)
    services.unit_restore(actor=admin, unit=emea)
    assert not Unit.objects.filter(archived_at__isnull=False).exists()
    assert kinds(org)[-4:] == ["unit.archived", "unit.archived", "unit.restored", "unit.restored"]


def test_archived_units_keep_their_objectives_and_take_no_new_ones(org, admin, cycle, tree):
    _, _, emea = tree
    objective = f.make_objective(admin, cycle, emea, title="Win the Nordics market")
    services.unit_archive(actor=admin, unit=emea)
    objective.refresh_from_db()
    assert objective.unit == emea
    with pytest.raises(ValidationError) as exc:
        f.make_objective(admin, cycle, Unit.objects.get(pk=emea.pk), title="Open the Baltics")
    assert messages(exc) == {"unit": "EMEA is archived: choose another unit."}


def test_only_an_empty_unit_is_deleted(org, admin, cycle, tree):
    company, sales, emea = tree
    f.make_objective(admin, cycle, emea, title="Win the Nordics market")
    with pytest.raises(Conflict) as exc:
        services.unit_delete(actor=admin, unit=emea)
    assert messages(exc) == {
        "__all__": "EMEA holds 1 objective: archive it instead, which keeps its history."
    }
    with pytest.raises(Conflict) as exc:
        services.unit_delete(actor=admin, unit=sales)
    assert "Sales holds 1 sub-unit" in messages(exc)["__all__"]
    with pytest.raises(Conflict) as exc:
        services.unit_delete(actor=admin, unit=company)
    assert messages(exc) == {"__all__": "The company unit cannot be deleted."}
    assert Unit.objects.filter(pk__in=[emea.pk, sales.pk]).count() == 2

    mistake = f.make_unit(org, "Mistake", parent=sales)
    person = f.make_person(org, name="Ada")
    f.join(mistake, person)
    services.unit_delete(actor=admin, unit=mistake)
    assert not Unit.objects.filter(pk=mistake.pk).exists()
    event = Event.objects.get(kind="unit.deleted")
    assert event.target_label == "Mistake" and event.changes["members"] == [["Ada"], None]


def test_members_are_set_by_admins_and_leads_of_the_unit_or_above(org, admin, tree, viewer):
    _, sales, emea = tree
    other = f.make_unit(org, "Other")
    lead, member, newcomer = (f.make_person(org) for _ in range(3))
    f.join(sales, lead, Membership.Role.LEAD)
    f.join(emea, member)
    services.membership_set(actor=lead, unit=emea, person=newcomer, role="lead")
    assert Membership.objects.get(unit=emea, person=newcomer).role == "lead"
    for actor, unit in ((lead, other), (member, emea), (viewer, emea)):
        with pytest.raises(PermissionDenied, match="Only leads of"):
            services.membership_set(actor=actor, unit=unit, person=newcomer)
        with pytest.raises(PermissionDenied, match="Only leads of"):
            services.membership_remove(
                actor=actor, unit=emea if unit is emea else other, person=member
            )
    services.membership_set(actor=admin, unit=emea, person=newcomer, role="member")
    services.membership_remove(actor=lead, unit=emea, person=newcomer)
    assert not Membership.objects.filter(unit=emea, person=newcomer).exists()
    events = Event.objects.filter(kind__startswith="membership.", actor__in=[lead, admin])
    assert [(e.kind, e.changes["role"]) for e in events.order_by("created_at")] == [
        ("membership.added", [None, "lead"]),
        ("membership.changed", ["lead", "member"]),
        ("membership.removed", ["member", None]),
    ]
    assert events.first().target_label == f"{newcomer.name} in EMEA"


def test_membership_refusals_save_nothing(org, admin, tree, outsider):
    _, _, emea = tree
    person = f.make_person(org)
    before = Event.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.membership_set(actor=admin, unit=emea, person=outsider)
    assert messages(exc) == {"person": "Choose a person of this organization."}
    with pytest.raises(ValidationError) as exc:
        services.membership_set(actor=admin, unit=emea, person=person, role="boss")
    assert messages(exc) == {"role": "Choose lead or member."}
    with pytest.raises(ValidationError) as exc:
        services.membership_remove(actor=admin, unit=emea, person=person)
    assert messages(exc) == {"person": f"{person.name} is not in EMEA."}
    services.unit_archive(actor=admin, unit=emea)
    with pytest.raises(Conflict) as exc:
        services.membership_set(actor=admin, unit=emea, person=person)
    assert messages(exc) == {"__all__": "EMEA is archived: restore it to change its people."}
    assert Event.objects.count() == before + 1  # the archiving
    assert not Membership.objects.filter(unit=emea).exists()


def test_the_command_line_acts_without_a_person(org, tree):
    company, _, _ = tree
    unit = services.unit_create(
        actor=None,
        actor_label="command line",
        organization=org,
        parent=company,
        name="Ops",
        kind="team",
    )
    event = Event.objects.get(kind="unit.created", target_id=str(unit.pk))
    assert (event.actor, event.actor_label) == (None, "command line")


def test_a_leads_deadline_change_is_audited(org, admin, tree):
    _, _, emea = tree
    lead = f.make_person(org, role=Person.Role.MEMBER)
    f.join(emea, lead, Membership.Role.LEAD)
    services.unit_rhythm_update(
        actor=lead, unit=emea, checkin_weekday=2, checkin_time="10:00", time_zone="UTC"
    )
    event = Event.objects.get(kind="unit.updated")
    assert event.actor == lead
    assert event.changes == {
        "checkin_weekday": ["Friday", "Wednesday"],
        "checkin_time": ["17:00:00", "10:00:00"],
    }


def test_every_kind_recorded_here_is_in_the_audit_catalogue(org, admin, tree):
    from cadence.audit.kinds import KINDS

    _, sales, emea = tree
    person = f.make_person(org)
    services.unit_update(actor=admin, unit=emea, name="EMEA North")
    services.membership_set(actor=admin, unit=emea, person=person)
    services.membership_set(actor=admin, unit=emea, person=person, role="lead")
    services.membership_remove(actor=admin, unit=emea, person=person)
    services.unit_archive(actor=admin, unit=emea)
    services.unit_restore(actor=admin, unit=emea)
    services.unit_delete(actor=admin, unit=emea)
    recorded = set(kinds(org))
    assert len(recorded) == 8 and recorded <= set(KINDS), recorded - set(KINDS)
