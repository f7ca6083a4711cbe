"""The web's state change (okrs.services.objective_set_state) and the API's
(alignment.services.objective_state_change) move an objective alike: the approval conversation's
moves come from one table (okrs.states.APPROVAL_MOVES) and write the same trail, with the same
refusals; the API adds only its two documented rules."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.alignment import services
from cadence.alignment.models import ApprovalEvent
from cadence.okrs import services as okr_services

STATES = ["draft", "proposed", "approved"]


def _bring(objective, state, member, owner):
    if state in ("proposed", "approved"):
        services.objective_propose(actor=member, objective=objective)
    if state == "approved":
        services.objective_approve(actor=owner, objective=objective)
    objective.refresh_from_db()


def _outcome(change, actor, objective, state):
    """What the change does, then undone (so the other path starts from the same place)."""
    with transaction.atomic():
        before = ApprovalEvent.objects.filter(objective=objective).count()
        try:
            change(actor=actor, objective=objective, state=state)
        except (ValidationError, PermissionDenied) as exc:
            result = ("refused", type(exc).__name__, getattr(exc, "message_dict", str(exc)))
        else:
            objective.refresh_from_db()
            trail = ApprovalEvent.objects.filter(objective=objective).order_by("created_at")
            result = (objective.state, [e.action for e in trail][before:])
        transaction.set_rollback(True)
    objective.refresh_from_db()
    return result


@pytest.mark.parametrize("who", ["member", "owner", "admin"])
@pytest.mark.parametrize("target", [*STATES, "closed"])
@pytest.mark.parametrize("current", STATES)
def test_the_web_and_the_api_move_an_objective_alike(
    request, member, owner, draft, current, target, who
):
    _bring(draft, current, member, owner)
    actor = request.getfixturevalue(who)
    web = _outcome(okr_services.objective_set_state, actor, draft, target)
    api = _outcome(services.objective_state_change, actor, draft, target)
    if (current, target) == ("proposed", "draft"):
        # The API never takes a proposal back silently: /return with a comment, or /reopen.
        assert api[:2] == ("refused", "ValidationError")
        assert "/return" in api[2]["state"][0]
    elif (current, target) == ("approved", "proposed"):
        # Proposing is objective_propose's on the API, which says only a draft is proposed.
        assert web[:2] == api[:2]
        if web[1] == "Conflict":
            assert web[2] == {"state": ["An approved objective cannot become proposed."]}
            assert api[2] == {"state": ["Only a draft can be proposed; this one is Approved."]}
        else:
            assert web[1] == "PermissionDenied" and who == "owner"  # not in the team
    else:
        assert web == api
