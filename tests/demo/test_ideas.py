"""The demo's ideas round: the Product team's, for next quarter, finished, with ideas, votes, a
comment, two ideas promoted into draft objectives (linked both ways) and one declined."""

from cadence.demo import content
from cadence.ideas import rules, selectors
from cadence.ideas.models import Comment, Round
from cadence.okrs.models import Cycle
from tests.demo.conftest import TODAY


def test_a_finished_round_with_two_ideas_promoted(demo):
    ideas_round = Round.objects.get(organization=demo)
    next_quarter = Cycle.objects.filter(organization=demo, start__gt=TODAY).get()
    assert (ideas_round.cycle, ideas_round.unit.name) == (next_quarter, "Product")
    assert selectors.round_status(ideas_round, TODAY) == rules.CLOSED
    assert ideas_round.closes_on < TODAY and ideas_round.opened_by.email.startswith("jonas")
    rows = selectors.ideas_of(ideas_round)
    assert len(rows) == len(content.IDEAS) and sum(r.votes for r in rows) >= 5
    assert [r.votes for r in rows] == sorted((r.votes for r in rows), reverse=True)
    assert Comment.objects.filter(idea__round=ideas_round).count() == 1
    promoted = [r for r in rows if r.idea.state == "promoted"]
    assert len(promoted) == 2
    for row in promoted:
        objective = row.objective
        assert objective.state == "draft" and objective.cycle == next_quarter
        assert objective.unit == ideas_round.unit
        assert selectors.idea_for_objective(demo, objective) == row.idea
    declined = [r.idea for r in rows if r.idea.state == "declined"]
    assert len(declined) == 1 and declined[0].decline_reason
