"""Who sees a private objective (cadence.okrs.visibility): its unit's members (any role), the
leads of any unit above it, and admins — the same rule as a query (``Sight.objectives``) and on
a loaded row (``Sight.sees``)."""

import pytest

from cadence.okrs import selectors
from cadence.okrs.models import Objective
from cadence.okrs.visibility import Sight, sight_of, sight_units
from cadence.orgs.models import Membership, Person, Unit
from cadence.orgs.selectors import UnitTree, company_unit
from tests import factories as f

PRIVATE = Objective.Visibility.UNIT


@pytest.fixture
def org_world(db):
    org, admin = f.make_org("Rules")
    sales = f.make_unit(org, "Sales", kind=Unit.Kind.DEPARTMENT)
    emea = f.make_unit(org, "EMEA", kind=Unit.Kind.DEPARTMENT, parent=sales)
    berlin = f.make_unit(org, "Berlin", parent=emea)
    paris = f.make_unit(org, "Paris", parent=emea)
    product = f.make_unit(org, "Product")
    people = {
        "admin": admin,
        "sales_lead": f.make_person(org, name="Sales lead"),
        "emea_member": f.make_person(org, name="EMEA member"),
        "berlin_member": f.make_person(org, name="Berlin member"),
        "berlin_viewer": f.make_person(org, role=Person.Role.VIEWER, name="Berlin viewer"),
        "paris_lead": f.make_person(org, name="Paris lead"),
        "product_member": f.make_person(org, name="Product member"),
        "nobody": f.make_person(org, name="In no unit"),
    }
    f.join(sales, people["sales_lead"], role=Membership.Role.LEAD)
    f.join(emea, people["emea_member"])
    f.join(berlin, people["berlin_member"])
    f.join(berlin, people["berlin_viewer"])
    f.join(paris, people["paris_lead"], role=Membership.Role.LEAD)
    f.join(product, people["product_member"])
    cycle = f.make_cycle(admin, name="Q4")
    units = {"company": company_unit(org), "sales": sales, "emea": emea, "berlin": berlin}
    units |= {"paris": paris, "product": product}
    objectives = {}
    for name, unit in units.items():
        objectives[f"{name} open"] = f.make_objective(admin, cycle, unit, title=f"{name} open")
        objectives[f"{name} private"] = f.make_objective(
            admin, cycle, unit, title=f"{name} private", visibility=PRIVATE
        )
    return org, people, objectives


# Who sees which private objective (every open one is seen by all).
EXPECTED = {
    "admin": {"company", "sales", "emea", "berlin", "paris", "product"},
    "sales_lead": {"sales", "emea", "berlin", "paris"},  # its unit and all below
    "emea_member": {"emea"},  # a member sees its own unit's, not those below
    "berlin_member": {"berlin"},
    "berlin_viewer": {"berlin"},  # a read-only person still reads their own unit's
    "paris_lead": {"paris"},
    "product_member": {"product"},
    "nobody": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_rule_as_a_query_and_on_a_row(org_world, who):
    org, people, objectives = org_world
    person = people[who]
    sight = sight_of(person)
    expected = {f"{u} private" for u in EXPECTED[who]} | {n for n in objectives if "open" in n}
    found = set(selectors.objectives_of(org, person).values_list("title", flat=True))
    assert found == expected
    assert {n for n, o in objectives.items() if sight.sees(o)} == expected


def test_a_public_sight_sees_only_open_objectives_and_a_whole_one_everything(org_world):
    org, _, objectives = org_world
    public = set(selectors.objectives_of(org, Sight.public(org.id)).values_list("title", flat=True))
    assert public == {n for n in objectives if "open" in n}
    assert selectors.objectives_of(org, Sight.whole(org.id)).count() == len(objectives)


def test_sight_units_is_members_units_and_everything_below_a_led_one(org_world):
    org, people, _ = org_world
    tree = UnitTree.load(org)
    by_name = {u.name: u.id for u in tree.units.values()}
    memberships = {by_name["Sales"]: Membership.Role.LEAD, by_name["Product"]: "member"}
    assert sight_units(memberships, tree) == {
        by_name[n] for n in ("Sales", "EMEA", "Berlin", "Paris", "Product")
    }
    assert sight_units({}, tree) == frozenset()


def test_a_read_needs_its_reader(org_world):
    org, _, _ = org_world
    with pytest.raises(TypeError):
        selectors.objectives_of(org, None)


def test_a_person_who_left_sees_only_what_everyone_sees(org_world):
    from cadence.orgs import person_services

    org, people, objectives = org_world
    person = people["berlin_member"]
    person_services.person_deactivate(actor=people["admin"], person=person)
    person = Person.objects.get(pk=person.pk)
    assert not sight_of(person).sees(objectives["berlin private"])
