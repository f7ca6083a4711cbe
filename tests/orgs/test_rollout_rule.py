"""The pure rule of who is in the rollout (cadence/orgs/rollout.py), exhaustively: every mode
against every shape of memberships, and properties that hold for any."""

from itertools import product
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.orgs import rollout
from cadence.orgs.rollout import MembershipFact, in_rollout, unit_path

COMPANY, DEPT, TEAM, OTHER_TEAM, OTHER_DEPT = (UUID(int=i) for i in range(1, 6))
PARENTS = {COMPANY: None, DEPT: COMPANY, TEAM: DEPT, OTHER_DEPT: COMPANY, OTHER_TEAM: OTHER_DEPT}


def fact(unit: UUID, role: str = "member") -> MembershipFact:
    return MembershipFact(role=role, unit_path=unit_path(unit, PARENTS))


def test_unit_paths_run_from_the_unit_to_the_company():
    assert unit_path(TEAM, PARENTS) == (TEAM, DEPT, COMPANY)
    assert unit_path(COMPANY, PARENTS) == (COMPANY,)
    assert unit_path(uuid4(), {}) != ()


def test_a_loop_in_the_map_is_cut():
    a, b = uuid4(), uuid4()
    assert unit_path(a, {a: b, b: a}) == (a, b)


@pytest.mark.parametrize(
    ("mode", "pilots", "memberships", "expected"),
    [
        # everyone: anyone, even with no membership at all
        ("everyone", [], [], True),
        ("everyone", [TEAM], [fact(OTHER_TEAM)], True),
        # leads: a lead of any unit, a member is out, nobody without a unit
        ("leads", [], [], False),
        ("leads", [], [fact(TEAM)], False),
        ("leads", [], [fact(TEAM, "lead")], True),
        ("leads", [], [fact(DEPT, "lead")], True),
        ("leads", [], [fact(COMPANY, "lead")], True),
        ("leads", [], [fact(TEAM), fact(OTHER_TEAM, "lead")], True),
        ("leads", [TEAM], [fact(TEAM)], False),  # pilot units do not matter here
        # pilot: members and leads of a pilot unit or of a unit below one
        ("pilot", [], [fact(TEAM, "lead")], False),
        ("pilot", [TEAM], [], False),
        ("pilot", [TEAM], [fact(TEAM)], True),
        ("pilot", [TEAM], [fact(TEAM, "lead")], True),
        ("pilot", [TEAM], [fact(OTHER_TEAM)], False),
        ("pilot", [TEAM], [fact(OTHER_TEAM, "lead")], False),
        ("pilot", [DEPT], [fact(TEAM)], True),  # a department brings its teams
        ("pilot", [TEAM], [fact(DEPT, "lead")], False),  # not the units above a pilot
        ("pilot", [TEAM], [fact(COMPANY, "lead")], False),
        ("pilot", [TEAM, OTHER_TEAM], [fact(OTHER_TEAM)], True),
        ("pilot", [OTHER_DEPT], [fact(TEAM), fact(OTHER_TEAM)], True),
    ],
)
def test_the_rule(mode, pilots, memberships, expected):
    assert in_rollout(mode, pilots, memberships) is expected


def test_every_mode_and_role_and_place_of_a_single_membership():
    """All of them: the unit the person is in × role × where the pilot is."""
    for unit, role, pilot in product(PARENTS, ("member", "lead"), PARENTS):
        facts = [fact(unit, role)]
        below_pilot = pilot in unit_path(unit, PARENTS)
        assert in_rollout("everyone", [pilot], facts) is True
        assert in_rollout("leads", [pilot], facts) is (role == "lead")
        assert in_rollout("pilot", [pilot], facts) is below_pilot


def test_an_unknown_mode_is_an_error():
    with pytest.raises(ValueError):
        in_rollout("some", [], [])


def test_the_modes_are_the_models():
    from cadence.orgs.models import Organization

    assert set(rollout.MODES) == set(Organization.RolloutMode.values)


units = st.sampled_from(list(PARENTS))
memberships = st.lists(st.builds(fact, units, st.sampled_from(["member", "lead"])), max_size=5)


@given(memberships, st.lists(units, max_size=3))
def test_everyone_is_the_widest_and_more_memberships_never_take_anyone_out(facts, pilots):
    for mode in rollout.MODES:
        inside = in_rollout(mode, pilots, facts)
        assert not inside or in_rollout("everyone", pilots, facts)
        assert not inside or in_rollout(mode, pilots, [*facts, fact(TEAM)])
        # more pilots never take anyone out either
        assert not inside or in_rollout(mode, [*pilots, COMPANY], facts)


@given(memberships)
def test_the_company_as_pilot_takes_in_everyone_with_a_unit(facts):
    assert in_rollout("pilot", [COMPANY], facts) is bool(facts)
