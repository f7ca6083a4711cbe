"""The pure rules the okrs pages and services share: the quarter a new cycle is suggested as and
the state moves the objective page offers (no database)."""

from datetime import date

import pytest

from cadence.okrs import states
from cadence.okrs.models import Cycle, Objective
from cadence.okrs.quarters import next_cycle_initial, quarter_of

S = Objective.State


def _cycle(start: date, end: date) -> Cycle:
    return Cycle(name="c", start=start, end=end)


@pytest.mark.parametrize(
    "day,quarter",
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 5, 17), (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_quarter_of(day, quarter):
    assert quarter_of(day) == quarter


def test_next_cycle_is_the_quarter_after_the_latest():
    cycles = [
        _cycle(date(2026, 7, 1), date(2026, 9, 30)),
        _cycle(date(2026, 1, 1), date(2026, 12, 31)),
    ]
    assert next_cycle_initial(cycles, date(2026, 8, 1)) == {
        "name": "Q1 2027",
        "kind": Cycle.Kind.QUARTER,
        "start": date(2027, 1, 1),
        "end": date(2027, 3, 31),
    }


def test_next_cycle_after_one_ending_mid_quarter_starts_at_the_next_quarter():
    cycles = [_cycle(date(2026, 1, 15), date(2026, 5, 14))]
    initial = next_cycle_initial(cycles, date(2026, 3, 1))
    assert (initial["name"], initial["start"], initial["end"]) == (
        "Q3 2026",
        date(2026, 7, 1),
        date(2026, 9, 30),
    )


@pytest.mark.parametrize(
    "today,start",
    [
        (date(2026, 1, 5), date(2026, 1, 1)),  # this month opens a quarter: this one
        (date(2026, 2, 3), date(2026, 4, 1)),  # else the next quarter to start
        (date(2026, 11, 20), date(2027, 1, 1)),
    ],
)
def test_without_cycles_the_first_quarter_from_this_month_on_is_suggested(today, start):
    assert next_cycle_initial([], today)["start"] == start


def test_a_cycle_outside_the_bounds_is_not_followed():
    cycles = [_cycle(date(9999, 1, 1), date(9999, 3, 31))]
    assert next_cycle_initial(cycles, date(2026, 1, 3))["start"] == date(2026, 1, 1)


@pytest.mark.parametrize(
    "state,moves,abandon",
    [
        (S.DRAFT, [], True),
        (S.PROPOSED, [], True),
        (S.APPROVED, [S.CLOSED], True),
        (S.CLOSED, [S.APPROVED], False),
        (S.ABANDONED, [S.DRAFT], False),
    ],
)
def test_the_objective_page_offers_what_the_approval_panel_does_not(state, moves, abandon):
    assert [s for s, _label in states.page_moves(state)] == moves
    assert states.can_abandon(state) is abandon


def test_the_approval_conversations_moves_are_one_table():
    """The moves the approval conversation makes, each by its step (approving a draft too: the
    step refuses it, saying why); every other move, an approved objective proposed again
    included, is okrs' own (refused or made by objective_set_state)."""
    steps = {
        (current, state): states.approval_step(current, state)
        for current in S.values
        for state in S.values
        if states.approval_step(current, state)
    }
    assert steps == {
        (S.DRAFT, S.PROPOSED): states.PROPOSE,
        (S.DRAFT, S.APPROVED): states.APPROVE,
        (S.PROPOSED, S.APPROVED): states.APPROVE,
        (S.PROPOSED, S.DRAFT): states.REOPEN,
        (S.APPROVED, S.DRAFT): states.REOPEN,
    }
    # Each move the table names is one states.TRANSITIONS allows, but approving a draft.
    assert {move for move in steps if move[1] not in states.TRANSITIONS[move[0]]} == {
        (S.DRAFT, S.APPROVED)
    }
