"""The unit tree is read from a per-process cache keyed by a fingerprint of the organization's
units: any change, made anywhere, is seen on the next load; each load gets its own instances."""

from datetime import time

from cadence.orgs import services as org_services
from cadence.orgs.models import Unit
from cadence.orgs.selectors import UnitTree
from tests import factories as f


def test_changes_are_seen_at_once(org, admin, django_assert_num_queries):
    with django_assert_num_queries(1):  # not seen yet: the rows
        first = UnitTree.load(org)
    with django_assert_num_queries(1):  # unchanged: the fingerprint only
        again = UnitTree.load(org)
    assert set(again.units) == set(first.units)
    team = f.make_unit(org, "Payments")
    assert team.id in UnitTree.load(org).units
    org_services.unit_rhythm_update(
        actor=admin, unit=team, checkin_weekday=2, checkin_time=time(9, 30), time_zone="UTC"
    )
    assert UnitTree.load(org).units[team.id].checkin_weekday == 2
    Unit.objects.filter(pk=team.pk).delete()  # even a write that no service made
    assert team.id not in UnitTree.load(org).units


def test_each_load_has_its_own_instances(org):
    one, two = UnitTree.load(org), UnitTree.load(org)
    unit_id = next(iter(one.units))
    assert one.units[unit_id] is not two.units[unit_id]
    one.units[unit_id].name = "Changed in memory"
    assert two.units[unit_id].name != "Changed in memory"
    assert UnitTree.load(org).units[unit_id].name != "Changed in memory"


def test_organizations_do_not_share_trees(org, outsider):
    mine, theirs = UnitTree.load(org), UnitTree.load(outsider.organization)
    assert not set(mine.units) & set(theirs.units)


def test_unit_outline_is_the_walk_without_instances(org, django_assert_num_queries):
    from cadence.orgs.selectors import unit_outline

    sales = f.make_unit(org, "Sales", kind=Unit.Kind.DEPARTMENT, parent=UnitTree.load(org).root)
    f.make_unit(org, "Zeta team", parent=sales)
    f.make_unit(org, "Alpha team", parent=sales)
    f.make_unit(org, "Billing")
    walked = [(u.id, u.name, depth) for u, depth in UnitTree.load(org).walk()]
    with django_assert_num_queries(1):
        outline = unit_outline(org)
    assert outline == walked
    assert [name for _, name, _ in outline][1:4] == ["Billing", "Sales", "Alpha team"]


def test_the_tree_and_a_persons_memberships_are_one_query(org, member, django_assert_num_queries):
    """Cold, warm and after a change: the same tree as ``load`` and the same memberships as
    ``memberships_of``, in one query (a reader's ``Access`` asks for both)."""
    from cadence.orgs.selectors import _UNIT_ROWS, memberships_of

    team = f.make_unit(org, "Payments")
    f.join(team, member, role="lead")
    _UNIT_ROWS.clear()
    for change in (None, "unchanged", "a new unit"):
        if change == "a new unit":
            f.make_unit(org, "Billing")
        with django_assert_num_queries(1):
            tree, roles = UnitTree.load_with_memberships(org, member)
        assert roles == memberships_of(member) and roles[team.id] == "lead"
        assert set(tree.units) == set(UnitTree.load(org).units)
    assert "Billing" in {u.name for u in tree.units.values()}
    nobody = f.make_person(org, name="Nobody")
    with django_assert_num_queries(1):
        tree, roles = UnitTree.load_with_memberships(org, nobody)
    assert roles == {} and set(tree.units) == set(UnitTree.load(org).units)
