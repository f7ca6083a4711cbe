"""The demo's cycle rituals: the previous quarter closed and scored, with adjustments, team
retrospectives, a department summary and the company-wide review; one objective carried
forward; the current quarter's monthly and mid-cycle reviews with a target change."""

from cadence.coach import selectors as coach_selectors
from cadence.demo import content
from cadence.okrs import selectors
from cadence.okrs.models import Cycle, KeyResult, Objective, TargetChange
from cadence.orgs.models import Unit
from cadence.planning import selectors as planning_selectors
from cadence.retrospectives.models import Learning, ObjectiveReviewNote
from cadence.reviews.models import Review
from cadence.scoring.models import ScoreChange
from cadence.scoring.rules import succeeded
from tests import factories as f
from tests.demo.conftest import TODAY


def _title(key: str) -> str:
    return next(o.title for o in content.OBJECTIVES if o.key == key)


def test_the_previous_quarter_is_closed_and_scored(demo):
    previous = Cycle.objects.get(organization=demo, name="Q3 2026")
    assert previous.closed_at is not None and previous.closed_at.date() > previous.end
    objectives = Objective.objects.filter(cycle=previous)
    assert all(o.state == Objective.State.CLOSED for o in objectives)
    assert all(o.score is not None and o.computed_score is not None for o in objectives)
    assert all(kr.score is not None for kr in KeyResult.objects.filter(objective__cycle=previous))
    results = [succeeded(o.commitment, o.score) for o in objectives]
    # A mixed quarter: some succeeded, most did not.
    assert True in results and False in results
    assert len({o.score for o in objectives}) >= 3


def test_two_scores_were_adjusted_by_hand_with_reasons(demo):
    changes = ScoreChange.objects.filter(organization_id=demo.pk).select_related("objective")
    assert changes.count() == 2
    for change in changes:
        assert change.reason and change.new_score != change.computed_score
        assert change.objective.score == change.new_score
        assert change.objective.computed_score == change.computed_score


def test_every_team_completed_its_retrospective(demo):
    previous = Cycle.objects.get(organization=demo, name="Q3 2026")
    teams = set(Unit.objects.filter(organization=demo, kind=Unit.Kind.TEAM))
    retros = Review.objects.filter(cycle=previous, kind=Review.Kind.RETROSPECTIVE)
    assert {r.unit for r in retros} == teams
    for retro in retros:
        assert retro.completed_at is not None
        assert retro.overview and retro.satisfaction and retro.worked and retro.failed
        assert len(retro.answers) >= 5
        assert 3 <= retro.learnings.count() <= 6
        assert {r.satisfaction for r in retros} == {"yes", "partly", "no"}
    # Every committed team objective below 1.0 is explained.
    missed = Objective.objects.filter(
        cycle=previous, unit__kind=Unit.Kind.TEAM, commitment="committed", score__lt=1.0
    )
    assert missed.exists()
    explained = set(ObjectiveReviewNote.objects.values_list("objective_id", flat=True))
    assert set(missed.values_list("pk", flat=True)) <= explained


def test_a_department_summary_and_the_company_review(demo):
    previous = Cycle.objects.get(organization=demo, name="Q3 2026")
    department = Review.objects.get(cycle=previous, kind=Review.Kind.DEPARTMENT)
    assert department.unit.name == "Go-to-market"
    assert 1 <= department.learnings.filter(kind=Learning.Kind.TAKEAWAY).count() <= 10
    company = Review.objects.get(cycle=previous, kind=Review.Kind.COMPANY)
    assert company.notes and company.overview and company.answers
    assert company.learnings.filter(kind=Learning.Kind.IDEA).count() >= 2


def test_one_objective_was_carried_forward_and_is_flagged_as_repeated(demo):
    source = Objective.objects.get(
        organization=demo, title=_title("prev_suppliers"), cycle__name="Q3 2026"
    )
    (carried,) = source.carried_to.all()
    current = Cycle.objects.get(organization=demo, name="Q4 2026")
    assert carried.cycle == current and carried.unit == source.unit
    assert carried.state == Objective.State.APPROVED
    # Only the unreached key result came along, starting where it ended.
    old = {kr.title: kr for kr in source.key_results.all()}
    new = list(carried.key_results.all())
    assert len(new) == 1 < len(old)
    (kr,) = new
    assert kr.start == old[kr.title].current and kr.target == old[kr.title].target
    assert kr.check_ins.count() >= 5
    # The next-cycle page of Q3 links it; the coach calls it a repeat in Q4.
    plan = planning_selectors.next_cycle_plan(
        demo, source.cycle, current, today=TODAY, viewer=f.ALL
    )
    rows = {o.pk: o for u in plan.units for o in u.objectives}
    assert rows[source.pk].successor == carried
    planned = {o.pk: o for u in plan.units for o in u.planned}
    assert planned[carried.pk].repeated_from == "Q3 2026"
    board = selectors.board_for_cycle(demo, current, today=TODAY, viewer=f.ALL)
    findings = coach_selectors.findings_for_objective(demo, board.objectives[carried.pk], board)
    assert "obj-repeats" in {f.check.id for f in findings.findings}


def test_the_current_quarter_has_its_monthly_and_mid_cycle_reviews(demo):
    current = Cycle.objects.get(organization=demo, name="Q4 2026")
    monthly = Review.objects.get(cycle=current, kind=Review.Kind.MONTHLY)
    assert monthly.period == current.start and len(monthly.answers) == 4
    mid = Review.objects.filter(cycle=current, kind=Review.Kind.MID_CYCLE)
    assert {r.unit.name for r in mid} == {"Northwind Labs", "Customer Success"}
    change = TargetChange.objects.get(key_result__objective__cycle=current)
    assert change.review.kind == Review.Kind.MID_CYCLE and change.reason
    assert (change.old_target, change.new_target) == (15, 11)
    assert change.key_result.target == 11
