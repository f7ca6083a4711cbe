"""Target changes with history (issue 5 item 3): key_result_change_target and the objective
page's target history."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.okrs import services as okr_services
from cadence.okrs.models import TargetChange
from cadence.reviews import selectors
from cadence.reviews import services as review_services
from cadence.scoring import services as scoring_services
from tests import factories as f


@pytest.fixture
def objective(admin, cycle, team):
    return f.make_objective(admin, cycle, team, title="Ship the new onboarding")


@pytest.fixture
def kr(admin, objective, member):
    return f.make_kr(
        admin, objective, title="Tickets from 300 to 200", start=300, target=200, owner=member
    )


def _change(actor, kr, target=250, **kw):
    kw.setdefault("reason", "Support headcount was cut in half.")
    return review_services.key_result_change_target(actor=actor, key_result=kr, target=target, **kw)


def test_the_target_changes_and_the_history_keeps_old_and_new(admin, kr):
    change = _change(admin, kr)
    kr.refresh_from_db()
    assert (kr.start, kr.target) == (300, 250)
    assert (change.old_start, change.old_target) == (300, 200)
    assert (change.new_start, change.new_target) == (300, 250)
    assert change.reason == "Support headcount was cut in half."
    assert change.actor == admin
    assert change.review is None


def test_start_may_change_too_and_history_accumulates(admin, member, kr):
    _change(admin, kr)
    _change(member, kr, target=220, start=310, reason="  The baseline was measured late.  ")
    kr.refresh_from_db()
    assert (kr.start, kr.target) == (310, 220)
    history = list(selectors.target_changes_of(kr))
    assert [(c.old_target, c.new_target) for c in history] == [(200, 250), (250, 220)]
    assert (history[1].old_start, history[1].new_start) == (300, 310)
    assert history[1].reason == "The baseline was measured late."


def test_progress_follows_the_new_target(admin, kr):
    okr_services.check_in_create(actor=admin, key_result=kr, value=250, confidence="on_track")
    kr.refresh_from_db()
    assert kr.progress == 0.5
    _change(admin, kr, target=250)
    kr.refresh_from_db()
    assert kr.progress == 1.0


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reason_is_required(admin, kr, reason):
    with pytest.raises(ValidationError) as exc:
        _change(admin, kr, reason=reason)
    assert "reason" in exc.value.message_dict
    kr.refresh_from_db()
    assert kr.target == 200
    assert not TargetChange.objects.exists()


def test_a_too_long_reason_is_refused(admin, kr):
    with pytest.raises(ValidationError) as exc:
        _change(admin, kr, reason="x" * 2001)
    assert "reason" in exc.value.message_dict


def test_start_equal_to_target_is_refused(admin, kr):
    with pytest.raises(ValidationError) as exc:
        _change(admin, kr, target=300)
    assert "target" in exc.value.message_dict
    with pytest.raises(ValidationError):
        _change(admin, kr, target=180, start=180)
    kr.refresh_from_db()
    assert (kr.start, kr.target) == (300, 200)
    assert not TargetChange.objects.exists()


def test_the_same_target_is_no_change(admin, kr):
    with pytest.raises(ValidationError) as exc:
        _change(admin, kr, target=200)
    assert "already" in exc.value.message_dict["target"][0]


def test_non_finite_targets_are_refused(admin, kr):
    with pytest.raises(ValidationError):
        _change(admin, kr, target=float("inf"))
    assert not TargetChange.objects.exists()


def test_milestones_have_no_target_to_change(admin, objective):
    milestone = f.make_kr(admin, objective, title="Launch the beta", kind="milestone")
    with pytest.raises(ValidationError) as exc:
        _change(admin, milestone, target=1)
    assert "target" in exc.value.message_dict


def test_thresholds_change_their_bound_but_have_no_start(admin, objective):
    threshold = f.make_kr(
        admin, objective, title="NPS stays at 50 or more", kind="threshold", start=None, target=50
    )
    change = _change(admin, threshold, target=45)
    assert (change.old_target, change.new_target) == (50, 45)
    with pytest.raises(ValidationError) as exc:
        _change(admin, threshold, target=40, start=10)
    assert "start" in exc.value.message_dict


def test_a_closed_cycle_is_refused(admin, cycle, kr):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    with pytest.raises(ValidationError) as exc:
        _change(admin, kr)
    assert "is closed" in exc.value.messages[0]
    kr.refresh_from_db()
    assert kr.target == 200


def test_an_abandoned_objective_is_refused(admin, objective, kr):
    okr_services.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="Not now"
    )
    with pytest.raises(ValidationError):
        _change(admin, kr)


def test_people_outside_the_unit_are_refused(org, kr, viewer, outsider):
    stranger = f.make_person(org, name="Sam Stranger")
    for actor in (viewer, outsider, stranger):
        with pytest.raises(PermissionDenied):
            _change(actor, kr)
    assert not TargetChange.objects.exists()


def test_a_review_of_another_cycle_is_refused(org, admin, kr, team):
    other = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    review = review_services.review_save(
        actor=admin, cycle=other, unit=team, kind="mid_cycle", answers={}, notes=""
    )
    with pytest.raises(ValidationError) as exc:
        _change(admin, kr, review=review)
    assert "review" in exc.value.message_dict


def test_the_objective_page_shows_the_history_under_its_key_result(client, admin, objective, kr):
    _change(admin, kr)
    client.force_login(admin)
    body = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "Target changes" in body
    assert "Target changed from" in body
    assert "Support headcount was cut in half." in body
    assert admin.name in body


def test_the_objective_page_without_changes_has_no_history(client, admin, objective, kr):
    client.force_login(admin)
    body = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "Target changed from" not in body


def test_edits_of_an_approved_key_result_need_a_reason_and_are_kept(admin, member, cycle, team):
    """Targets of an approved objective are a commitment: the KR form's changes of start or
    target need a reason and are kept in the target history; drafts change freely."""
    from cadence.alignment import services as alignment_services
    from cadence.okrs import services as okr_services
    from cadence.okrs.models import TargetChange
    from tests import factories as fac

    draft = fac.make_objective(
        member, cycle, team, title="Customers finish onboarding", standalone_reason="Our own"
    )
    kr = fac.make_kr(member, draft, title="Onboarding done from 40% to 60%", start=40, target=60)
    okr_services.key_result_update(actor=member, key_result=kr, target=65)
    assert not TargetChange.objects.filter(key_result=kr).exists()
    alignment_services.objective_propose(actor=member, objective=draft)
    alignment_services.objective_approve(actor=admin, objective=draft, notify=False)
    okr_services.key_result_update(actor=member, key_result=kr, title="Onboarding completion up")
    assert not TargetChange.objects.filter(key_result=kr).exists()
    with pytest.raises(ValidationError) as exc:
        okr_services.key_result_update(actor=member, key_result=kr, target=70)
    assert "Say why the target changes" in exc.value.message_dict["reason"][0]
    kr.refresh_from_db()
    assert kr.target == 65 and not TargetChange.objects.filter(key_result=kr).exists()
    okr_services.key_result_update(
        actor=member, key_result=kr, target=70, reason="  The cohort is smaller.  "
    )
    (change,) = TargetChange.objects.filter(key_result=kr)
    assert (change.old_target, change.new_target, change.reason) == (
        65,
        70,
        "The cohort is smaller.",
    )
    assert change.actor == member


def test_objective_target_changes_lists_changed_key_results_in_order(
    admin, objective, kr, django_assert_num_queries
):
    """What the objective page's "Target changes" shows, as rows: only the key results whose
    target changed, in the key results' order, each with its changes oldest first."""
    from cadence.okrs import selectors as okr_selectors

    untouched = f.make_kr(admin, objective, title="Churn under 3%", start=5, target=3)
    later = f.make_kr(admin, objective, title="NPS from 20 to 40", start=20, target=40)
    _change(admin, later, target=35, reason="The survey moved to a new tool.")
    _change(admin, kr)
    _change(admin, kr, target=220, reason="Hiring came through.")
    annotated, _board = okr_selectors.objective_with_progress(
        admin.organization, objective, viewer=f.ALL
    )
    with django_assert_num_queries(1):
        changes = selectors.objective_target_changes(annotated)
    assert [k.key_result.id for k in changes.key_results] == [kr.id, later.id]
    assert [c.new_target for c in changes.key_results[0].changes] == [250, 220]
    assert changes.count == 3
    assert untouched.id not in {k.key_result.id for k in changes.key_results}
    assert not any("target_history" in vars(k.model) for k in annotated.krs)
    assert "target_changes_count" not in vars(annotated.model)
