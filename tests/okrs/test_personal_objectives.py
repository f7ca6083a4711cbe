"""Personal development objectives (issue 17.2): one person's own, with key results; seen by
them, their leads (of any unit they belong to and every unit above) and admins unless shared;
live without approval; never on a unit's board nor in any score; counted in a team objective's
progress only when the owner chooses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.errors import Conflict
from cadence.okrs import selectors
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.okrs.visibility import Sight, sight_of
from cadence.scoring import selectors as scoring_selectors
from tests import factories as f
from tests.okrs.test_visibility_rules import org_world  # noqa: F401

PRIVATE = Objective.Visibility.UNIT
SHARED = Objective.Visibility.ORGANIZATION


def _kr_at(actor, objective, start, target, value):
    kr = f.make_kr(actor, objective, start=start, target=target)
    okr_services.check_in_create(actor=actor, key_result=kr, value=value, confidence="on_track")
    return kr


def _personal(person, cycle, title, **kw):
    return okr_services.personal_objective_create(actor=person, cycle=cycle, title=title, **kw)


@pytest.fixture
def personal_world(org_world):  # noqa: F811
    org, people, objectives = org_world
    cycle = objectives["company open"].cycle
    mine = {
        who: _personal(people[who], cycle, f"{who} grows")
        for who in ("berlin_member", "emea_member", "sales_lead", "paris_lead", "product_member")
    }
    mine["product shared"] = _personal(
        people["product_member"], cycle, "product_member shares", visibility=SHARED
    )
    return org, people, objectives, mine


# Whose personal objectives each person sees (besides everyone's shared one).
SEES = {
    "admin": {"berlin_member", "emea_member", "sales_lead", "paris_lead", "product_member"},
    "sales_lead": {"sales_lead", "berlin_member", "emea_member", "paris_lead"},
    "emea_member": {"emea_member"},  # a member sees no colleague's, nor those below
    "berlin_member": {"berlin_member"},
    "berlin_viewer": set(),  # a teammate sees nothing of it
    "paris_lead": {"paris_lead"},  # Paris is below EMEA, not above Berlin
    "product_member": {"product_member"},
    "nobody": set(),
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_who_sees_a_personal_objective_as_a_query_and_on_a_row(personal_world, who):
    org, people, _objectives, mine = personal_world
    person = people[who]
    expected = {f"{n} grows" for n in SEES[who]} | {"product_member shares"}
    visible = Objective.objects.filter(sight_of(person).objectives(personal=True))
    found = set(visible.filter(owner_person__isnull=False).values_list("title", flat=True))
    assert found == expected
    assert {o.title for o in mine.values() if sight_of(person).sees(o)} == expected
    for objective in mine.values():
        if objective.title in expected:
            assert selectors.objective_get(org, objective.pk, viewer=person) == objective
        else:
            with pytest.raises(Exception, match="No such objective"):
                selectors.objective_get(org, objective.pk, viewer=person)


@pytest.mark.parametrize("who", sorted(SEES))
def test_shared_reads_never_list_personal_objectives(personal_world, who):
    org, people, _objectives, _mine = personal_world
    listed = selectors.objectives_of(org, people[who])
    assert not listed.filter(owner_person__isnull=False).exists()
    assert not selectors.objectives_of(org, Sight.whole(org.id)).filter(unit__isnull=True)
    assert listed.exists()


def test_the_person_page_selector_lists_what_the_reader_may_see(personal_world):
    org, people, _objectives, _mine = personal_world
    owner = people["product_member"]
    as_owner = selectors.personal_objectives_of(org, owner, viewer=owner)
    assert {o.title for o in as_owner} == {"product_member grows", "product_member shares"}
    as_other = selectors.personal_objectives_of(org, owner, viewer=people["berlin_member"])
    assert [o.title for o in as_other] == ["product_member shares"]


def test_created_live_by_its_owner_and_changed_by_them_alone(personal_world):
    org, people, objectives, mine = personal_world
    objective = mine["berlin_member"]
    assert objective.state == Objective.State.APPROVED
    assert objective.unit is None and objective.owner_person == people["berlin_member"]
    assert objective.visibility == PRIVATE  # private by default
    f.make_kr(people["berlin_member"], objective, title="Give 3 talks at meetups")
    for other in ("sales_lead", "admin", "berlin_viewer"):
        with pytest.raises(PermissionDenied, match="Only its owner"):
            okr_services.objective_update(
                actor=people[other], objective=objective, title="Changed by someone else"
            )
        with pytest.raises(PermissionDenied, match="Only its owner"):
            f.make_kr(people[other], objective, title="Added by someone else")
    changed = okr_services.objective_update(
        actor=people["berlin_member"], objective=objective, title="Speak at two conferences"
    )
    assert changed.title == "Speak at two conferences"
    with pytest.raises(ValidationError) as refused:
        okr_services.objective_update(
            actor=people["berlin_member"], objective=objective, unit=objectives["berlin open"].unit
        )
    assert "unit" in refused.value.message_dict
    with pytest.raises(Conflict, match="needs no approval"):
        okr_services.objective_set_state(
            actor=people["berlin_member"], objective=objective, state=Objective.State.DRAFT
        )


def test_bad_input_saves_nothing(personal_world):
    org, people, objectives, _mine = personal_world
    person, before = people["berlin_member"], Objective.objects.count()
    cycle = objectives["company open"].cycle
    with pytest.raises(ValidationError) as refused:
        _personal(person, cycle, "Grow", parent=_personal(person, cycle, "Mine too"))
    assert "parent" in refused.value.message_dict  # aligned to a team's objective only
    with pytest.raises(ValidationError):
        _personal(person, cycle, "x")
    with pytest.raises(ValidationError) as refused:
        okr_services.objective_update(
            actor=people["admin"], objective=objectives["berlin open"], counts_in_parent=True
        )
    assert "counts_in_parent" in refused.value.message_dict
    # A team objective never aligns to a personal one.
    with pytest.raises(ValidationError):
        f.make_objective(
            people["admin"], cycle, objectives["berlin open"].unit, parent=_mine_of(person)
        )
    assert Objective.objects.count() == before + 1  # only "Mine too"
    viewer = people["berlin_viewer"]
    with pytest.raises(PermissionDenied):
        _personal(viewer, cycle, "Read more widely")


def _mine_of(person):
    return Objective.objects.filter(owner_person=person).first()


def test_counted_in_the_parent_only_when_the_owner_chooses(personal_world):
    org, people, objectives, _mine = personal_world
    admin, owner = people["admin"], people["berlin_member"]
    team = objectives["berlin open"]
    _kr_at(admin, team, 0, 100, 20)
    cycle = team.cycle
    personal = _personal(owner, cycle, "Learn the pricing model", parent=team)
    _kr_at(owner, personal, 0, 10, 10)
    team.refresh_from_db()
    assert team.progress == pytest.approx(0.2)  # not counted by default
    okr_services.objective_update(actor=owner, objective=personal, counts_in_parent=True)
    team.refresh_from_db()
    assert team.progress == pytest.approx(0.6)  # (0.2 + 1.0) / 2
    okr_services.objective_progress_recompute(organization=org)
    team.refresh_from_db()
    assert team.progress == pytest.approx(0.6)
    okr_services.objective_update(actor=owner, objective=personal, counts_in_parent=False)
    team.refresh_from_db()
    assert team.progress == pytest.approx(0.2)
    Objective.objects.filter(pk=team.pk).update(progress=None)
    okr_services.objective_progress_recompute(organization=org)
    team.refresh_from_db()
    assert team.progress == pytest.approx(0.2)


def test_never_in_a_score(personal_world):
    org, people, objectives, mine = personal_world
    cycle = objectives["company open"].cycle
    _kr_at(people["berlin_member"], mine["berlin_member"], 0, 4, 4)
    summary = scoring_selectors.cycle_summary(org, cycle, viewer=people["admin"])
    assert "berlin_member grows" not in str(summary)


def test_what_a_personal_objective_never_takes_part_in(personal_world):
    """No approval, no dependency on another team, no score; carried forward by its owner into
    another objective of theirs; its coach findings dismissed by its owner."""
    from cadence.alignment import services as alignment_services
    from cadence.coach import services as coach_services
    from cadence.planning import services as planning_services
    from cadence.scoring import services as scoring_services

    org, people, objectives, mine = personal_world
    owner, lead, admin = people["berlin_member"], people["sales_lead"], people["admin"]
    objective = mine["berlin_member"]
    kr = _kr_at(owner, objective, 0, 10, 4)
    with pytest.raises(Conflict, match="needs no approval"):
        alignment_services.objective_approve(actor=admin, objective=objective)
    with pytest.raises(ValidationError, match="asks no team"):
        alignment_services.dependency_create(
            actor=owner, objective=objective, provider=objectives["paris open"].unit,
            description="Help me",
        )  # fmt: skip
    with pytest.raises(Conflict, match="never scored"):
        scoring_services.objective_score_adjust(
            actor=admin, objective=objective, score=0.7, reason="Looks right"
        )
    with pytest.raises(Conflict, match="never scored"):
        scoring_services.key_result_score_adjust(
            actor=admin, key_result=kr, score=0.7, reason="Looks right"
        )
    # Dismissing a coach finding about it: its owner may, its lead may not.
    finding = "kr-output-verb"
    done = _kr_at(owner, objective, 0, 5, 1)
    from cadence.okrs.models import KeyResult

    KeyResult.objects.filter(pk=done.pk).update(title="Write 5 blog posts")
    done.refresh_from_db()
    with pytest.raises(PermissionDenied):
        coach_services.finding_dismiss(
            actor=lead, check_id=finding, reason="Fine for me", key_result=done
        )
    dismissal = coach_services.finding_dismiss(
        actor=owner, check_id=finding, reason="Writing is the skill I grow", key_result=done
    )
    with pytest.raises(PermissionDenied):
        coach_services.dismissal_withdraw(actor=lead, dismissal=dismissal)
    coach_services.dismissal_withdraw(actor=owner, dismissal=dismissal)
    # Carried forward: a new personal objective of its owner, with what was not reached.
    nxt = f.make_cycle(admin, name="Q1", start=objective.cycle.end.replace(year=2027, month=1,
                                                                            day=1),
                       end=objective.cycle.end.replace(year=2027, month=3, day=31))  # fmt: skip
    with pytest.raises(PermissionDenied):
        planning_services.objective_carry_forward(actor=lead, objective=objective, cycle=nxt)
    carried = planning_services.objective_carry_forward(actor=owner, objective=objective, cycle=nxt)
    assert carried.owner_person == owner and carried.unit is None
    assert carried.visibility == PRIVATE and carried.carried_from_id == objective.pk
