"""okrs.permissions: the predicate a page asks before it offers a check-in is the rule the
service applies — for every role and state, the page offers it exactly when the service takes it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.okrs import permissions, services
from cadence.okrs.models import Objective
from tests import factories as f


@pytest.fixture
def objective(member, cycle, team):
    return f.make_objective(member, cycle, team)


@pytest.fixture
def kr(member, objective):
    return f.make_kr(member, objective)


def _service_takes(actor, kr) -> bool:
    try:
        services.check_in_create(actor=actor, key_result=kr, value=5, confidence="on_track")
    except (PermissionDenied, ValidationError):
        return False
    return True


@pytest.mark.parametrize("who", ["member", "admin", "viewer", "stranger", "owner_elsewhere"])
@pytest.mark.parametrize("state", ["draft", "approved", "abandoned", "closed_cycle"])
def test_can_check_in_agrees_with_check_in_create(who, state, request, org, objective, kr, admin):
    if who == "stranger":
        actor = f.make_person(org)
    elif who == "owner_elsewhere":
        # Owns the key result without being a member of its unit.
        actor = f.make_person(org)
        services.key_result_update(actor=admin, key_result=kr, owner=actor)
    else:
        actor = request.getfixturevalue(who)
    if state == "approved":
        Objective.objects.filter(pk=objective.pk).update(state=Objective.State.APPROVED)
    elif state == "abandoned":
        services.objective_set_state(
            actor=admin, objective=objective, state=Objective.State.ABANDONED, reason="No"
        )
    elif state == "closed_cycle":
        from django.utils import timezone

        objective.cycle.__class__.objects.filter(pk=objective.cycle_id).update(
            closed_at=timezone.now()
        )
    kr.refresh_from_db()
    fresh = Objective.objects.select_related("cycle", "unit").get(pk=objective.pk)
    offered = permissions.can_check_in(actor, fresh, kr)
    assert offered is _service_takes(actor, kr)
    expected = who in ("member", "admin", "owner_elsewhere") and state in ("draft", "approved")
    assert offered is expected
