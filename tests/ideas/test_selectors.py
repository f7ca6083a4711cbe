"""Reads: a round's ideas sorted by votes or newest and filtered by prompt; the list of rounds,
open first, only those the reader may read."""

from datetime import date

import pytest
import time_machine
from django.http import Http404

from cadence.ideas import selectors, services
from cadence.ideas.models import Round
from tests import factories as f
from tests.ideas.conftest import open_round


def _add(ideas_round, author, title, prompt_index=0):
    prompt = list(ideas_round.prompts.all())[prompt_index]
    return services.idea_add(actor=author, prompt=prompt, title=title)


def test_ideas_by_votes_then_newest_and_by_newest(world):
    ideas_round = open_round(world)
    with time_machine.travel("2026-11-23 10:00Z", tick=False):
        first = _add(ideas_round, world.ana, "First")
    with time_machine.travel("2026-11-23 11:00Z", tick=False):
        second = _add(ideas_round, world.ben, "Second", prompt_index=1)
    with time_machine.travel("2026-11-23 12:00Z", tick=False):
        third = _add(ideas_round, world.ana, "Third")
    services.idea_vote_toggle(actor=world.ben, idea=first)
    services.idea_vote_toggle(actor=world.lead, idea=first)
    services.idea_vote_toggle(actor=world.lead, idea=second)
    rows = selectors.ideas_of(ideas_round, person=world.lead)
    assert [(r.idea.title, r.votes, r.voted) for r in rows] == [
        ("First", 2, True),
        ("Second", 1, True),
        ("Third", 0, False),
    ]
    newest = selectors.ideas_of(ideas_round, person=world.ben, sort="newest")
    assert [r.idea for r in newest] == [third, second, first]
    assert [r.voted for r in newest] == [False, False, True]
    # A tie in votes (Second and First at two): the newer idea first.
    services.idea_vote_toggle(actor=world.ben, idea=third)
    services.idea_vote_toggle(actor=world.ana, idea=second)
    by_votes = selectors.ideas_of(ideas_round)
    assert [(r.idea.title, r.votes) for r in by_votes] == [
        ("Second", 2),
        ("First", 2),
        ("Third", 1),
    ]


def test_filter_by_prompt_and_comments(world):
    ideas_round = open_round(world)
    a = _add(ideas_round, world.ana, "About change", prompt_index=0)
    _add(ideas_round, world.ana, "About problems", prompt_index=3)
    services.idea_comment_add(actor=world.ben, idea=a, text="Agreed")
    prompt = list(ideas_round.prompts.all())[0]
    rows = selectors.ideas_of(ideas_round, prompt=prompt)
    assert [r.idea.title for r in rows] == ["About change"]
    assert [c.text for c in rows[0].comments] == ["Agreed"]
    other_round = open_round(world, actor=world.admin, unit=world.company)
    with pytest.raises(Http404):
        selectors.prompt_get(ideas_round, other_round.prompts.first().pk)
    with pytest.raises(Http404):
        selectors.prompt_get(ideas_round, "not-an-id")


def test_rounds_open_first_then_upcoming_then_closed(world):
    closed = open_round(world, actor=world.admin, unit=world.company)
    Round.objects.filter(pk=closed.pk).update(
        opens_on=date(2026, 11, 2), closes_on=date(2026, 11, 8)
    )
    upcoming = open_round(world, opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 7))
    later = f.make_cycle(world.admin, name="Q2 2027", start=date(2027, 4, 1), end=date(2027, 6, 30))
    current = services.ideas_round_open(
        actor=world.head,
        unit=world.department,
        cycle=later,
        opens_on=date(2026, 11, 23),
        closes_on=date(2026, 11, 30),
    )
    rows = selectors.rounds_for(world.ana)
    assert [(r.round, r.status) for r in rows] == [
        (current, "open"),
        (upcoming, "upcoming"),
        (closed, "closed"),
    ]
    # The other team reads the organization's and the department's rounds, not this team's.
    assert [r.round for r in selectors.rounds_for(world.other)] == [current, closed]


def test_the_objective_page_selector_finds_the_idea(world):
    ideas_round = open_round(world)
    idea = _add(ideas_round, world.ana, "Shorter stand-ups")
    objective = services.idea_promote(actor=world.lead, idea=idea, title="Meet less, ship more")
    assert selectors.idea_for_objective(world.org, objective) == idea
    other = f.make_objective(world.lead, world.cycle, world.team, title="Unrelated")
    assert selectors.idea_for_objective(world.org, other) is None
    row = selectors.ideas_of(ideas_round)[0]
    assert row.objective.pk == objective.pk
