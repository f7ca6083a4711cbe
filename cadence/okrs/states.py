"""An objective's states and the moves between them (docs/method.md §2, §7). Pure: no database.

The objective page offers the moves that are not the approval conversation's (propose, approve,
return, back to draft live in the alignment panel) and not abandoning (a form of its own).
"""

from cadence.okrs.models import Objective

# Which states an objective may move to from each state (docs/method.md §2). Only a proposed
# objective is approved.
TRANSITIONS: dict[str, set[str]] = {
    Objective.State.DRAFT: {
        Objective.State.PROPOSED,
        Objective.State.ABANDONED,
    },
    Objective.State.PROPOSED: {
        Objective.State.DRAFT,
        Objective.State.APPROVED,
        Objective.State.ABANDONED,
    },
    Objective.State.APPROVED: {
        Objective.State.CLOSED,
        Objective.State.ABANDONED,
        Objective.State.DRAFT,
    },
    Objective.State.CLOSED: {Objective.State.APPROVED},
    Objective.State.ABANDONED: {Objective.State.DRAFT},
}

# The approval conversation's steps: alignment.services' objective_propose, objective_approve
# and objective_reopen (okrs asks for them through okrs.hooks).
PROPOSE = "propose"
APPROVE = "approve"
REOPEN = "reopen"

# The moves between draft, proposed and approved belong to the approval conversation, each made
# by one of its steps (which checks who may, what is missing, and writes the trail). The one
# table of them: objective_set_state hands these moves over, the API's state change goes
# through objective_set_state, and the objective page leaves them to the alignment panel.
APPROVAL_MOVES: dict[tuple[str, str], str] = {
    (Objective.State.DRAFT, Objective.State.PROPOSED): PROPOSE,
    # Refused by the step, with why: the team proposes it first.
    (Objective.State.DRAFT, Objective.State.APPROVED): APPROVE,
    (Objective.State.PROPOSED, Objective.State.APPROVED): APPROVE,
    (Objective.State.PROPOSED, Objective.State.DRAFT): REOPEN,
    (Objective.State.APPROVED, Objective.State.DRAFT): REOPEN,
}


def approval_step(current: str, state: str) -> str | None:
    """The approval conversation's step that moves an objective from ``current`` to ``state``
    (PROPOSE, APPROVE or REOPEN), or None for a move of okrs' own (abandon, revive, close,
    reopen a closed one) or no move at all."""
    return APPROVAL_MOVES.get((current, state))


def can_abandon(state: str) -> bool:
    return Objective.State.ABANDONED in TRANSITIONS[state]


def page_moves(state: str) -> list[tuple[str, str]]:
    """The moves the objective page's state buttons offer from ``state``, in the states' order,
    as (state, label): neither the approval panel's nor abandoning."""
    # Proposing is the panel's from any state (it explains why it cannot be done yet).
    approval_panel = {to for (from_, to) in APPROVAL_MOVES if from_ == state}
    approval_panel.add(Objective.State.PROPOSED)
    moves = TRANSITIONS[state] - {Objective.State.ABANDONED} - approval_panel
    order = list(Objective.State.values)
    return [(s, Objective.State(s).label) for s in sorted(moves, key=order.index)]
