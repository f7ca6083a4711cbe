"""Closing a cycle scores everything (checked against hand-computed values) and makes the cycle
read-only through services, web pages and the API; hand adjustments keep their history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Person
from cadence.orgs.selectors import company_unit
from cadence.scoring import services as scoring_services
from cadence.scoring.models import ScoreChange
from tests import factories as f
from tests.api.conftest import Api


def approved(admin, cycle, unit, title, **kw):
    return f.make_objective(admin, cycle, unit, title=title, state="approved", **kw)


def check_in(admin, kr, value):
    okr_services.check_in_create(actor=admin, key_result=kr, value=value, confidence="on_track")


@pytest.fixture
def world(org, admin, cycle, team):
    """Objectives whose scores are worked out by hand in the comments."""
    company = company_unit(org)
    top = approved(admin, cycle, company, "Customers stay with us")  # moved by its children
    # (29 − 13) / (45 − 13) = 0.5 (weight 1) and 80 / 100 = 0.8 (weight 2):
    # (0.5 + 1.6) / 3 = 0.7 → 0.7; committed ⇒ not a success.
    weighted = approved(admin, cycle, team, "Onboarding works", parent=top)
    kr_a = f.make_kr(admin, weighted, title="Completion 13% to 45%", start=13, target=45)
    kr_b = f.make_kr(admin, weighted, title="Activation to 100", start=0, target=100, weight=2)
    check_in(admin, kr_a, 29)
    check_in(admin, kr_b, 80)
    # (23 − 10) / (30 − 10) = 0.65 → 0.7 half up; aspirational ⇒ success.
    aspirational = approved(
        admin, cycle, team, "Delight power users", commitment="aspirational", parent=top
    )
    kr_c = f.make_kr(admin, aspirational, title="Power users from 10 to 30", start=10, target=30)
    check_in(admin, kr_c, 23)
    # A threshold that holds: 1.0; committed ⇒ success.
    kept = approved(admin, cycle, team, "Keep support fast")
    kr_d = f.make_kr(
        admin,
        kept,
        title="Reply time stays at most 4",
        kind="threshold",
        start=None,
        target=4,
        direction="at_most",
    )
    check_in(admin, kr_d, 3)
    empty = approved(admin, cycle, team, "Nothing measured here")
    draft = f.make_objective(admin, cycle, team, title="Still a draft")
    f.make_kr(admin, draft, title="Draft result from 0 to 10", start=0, target=10)
    dropped = approved(admin, cycle, team, "Dropped idea")
    kr_e = f.make_kr(admin, dropped, title="Dropped from 0 to 10", start=0, target=10)
    check_in(admin, kr_e, 5)
    okr_services.objective_set_state(
        actor=admin, objective=dropped, state="abandoned", reason="Priorities moved."
    )
    return {
        "top": top,
        "weighted": weighted,
        "aspirational": aspirational,
        "kept": kept,
        "empty": empty,
        "draft": draft,
        "dropped": dropped,
        "kr_a": kr_a,
        "kr_b": kr_b,
        "kr_c": kr_c,
        "kr_d": kr_d,
        "kr_e": kr_e,
    }


def fresh(obj):
    obj.refresh_from_db()
    return obj


def test_closing_scores_everything_by_hand_computed_values(admin, cycle, world):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    assert fresh(cycle).closed_at is not None
    w = {k: fresh(v) for k, v in world.items()}
    assert (w["kr_a"].score, w["kr_b"].score, w["kr_c"].score, w["kr_d"].score) == (
        0.5,
        0.8,
        0.7,
        1.0,
    )
    assert (w["weighted"].computed_score, w["weighted"].score) == (0.7, 0.7)
    assert w["aspirational"].score == 0.7
    assert w["kept"].score == 1.0
    # The company objective: the mean of its two children's progress, 0.7 and 0.65 ⇒ 0.675 → 0.7.
    assert w["top"].score == 0.7
    for key in ("top", "weighted", "aspirational", "kept", "empty"):
        assert w[key].state == Objective.State.CLOSED, key
        assert w[key].scored_at == fresh(cycle).closed_at, key
    # Nothing to measure: closed, but no score.
    assert (w["empty"].computed_score, w["empty"].score) == (None, None)
    # Drafts and abandoned objectives are left as they are, unscored.
    assert (w["draft"].state, w["draft"].score, w["draft"].scored_at) == ("draft", None, None)
    assert (w["dropped"].state, w["dropped"].score) == ("abandoned", None)
    assert w["kr_e"].score is None
    assert KeyResult.objects.filter(objective=w["draft"], score__isnull=False).count() == 0


def test_closing_keeps_scores_adjusted_by_hand(admin, org, team):
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="Ending", start=today - timedelta(days=80), end=today + timedelta(days=3)
    )
    o = approved(admin, cycle, team, "Win the pilot")
    kr = f.make_kr(admin, o, title="Pilots from 0 to 10", start=0, target=10)
    check_in(admin, kr, 4)
    scoring_services.objective_score_adjust(
        actor=admin, objective=o, score=0.6, reason="The biggest pilot signed late."
    )
    scoring_services.key_result_score_adjust(
        actor=admin, key_result=kr, score=0.5, reason="Half of a fifth pilot counts."
    )
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    o, kr = fresh(o), fresh(kr)
    assert (o.computed_score, o.score) == (0.4, 0.6)
    assert (kr.computed_score, kr.score) == (0.4, 0.5)
    change = ScoreChange.objects.get(objective=o)
    assert (change.computed_score, change.old_score, change.new_score) == (0.4, 0.4, 0.6)


def test_only_admins_close_and_only_once(admin, member, cycle, world):
    lead = f.make_person(cycle.organization, name="Lee Lead")
    f.join(world["weighted"].unit, lead, role="lead")
    for person in (member, lead):
        with pytest.raises(PermissionDenied):
            scoring_services.cycle_close(actor=person, cycle=cycle)
    assert fresh(cycle).closed_at is None
    assert fresh(world["weighted"]).score is None
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    with pytest.raises(ValidationError, match="already closed"):
        scoring_services.cycle_close(actor=admin, cycle=cycle)


def test_another_organizations_admin_cannot_close(outsider, cycle, world):
    with pytest.raises(PermissionDenied):
        scoring_services.cycle_close(actor=outsider, cycle=cycle)
    assert fresh(cycle).closed_at is None


def test_closing_a_quarter_leaves_the_year_open(admin, org, team):
    from datetime import date

    year = f.make_cycle(
        admin, name="2026", start=date(2026, 1, 1), end=date(2026, 12, 31), kind="year"
    )
    quarter = f.make_cycle(admin, name="Q1", start=date(2026, 1, 1), end=date(2026, 3, 31))
    annual = approved(admin, year, company_unit(org), "Become the reference")
    q = approved(admin, quarter, team, "Land three references", parent=annual)
    kr = f.make_kr(admin, q, title="References from 0 to 3", start=0, target=3)
    check_in(admin, kr, 3)
    scoring_services.cycle_close(actor=admin, cycle=quarter)
    assert (fresh(q).score, fresh(q).state) == (1.0, "closed")
    assert (fresh(annual).score, fresh(annual).state) == (None, "approved")
    assert fresh(year).closed_at is None


def _queries_to_close(admin, org, n):
    cycle = f.make_cycle(admin)
    units = [f.make_unit(org, f"Team {n}-{i}") for i in range(3)]
    for i in range(n):
        o = approved(admin, cycle, units[i % 3], f"Objective {i} of {n}")
        for j in range(2):
            kr = f.make_kr(admin, o, title=f"Result {i}.{j} from 0 to 100")
            check_in(admin, kr, 10 * j + i)
    with CaptureQueriesContext(connection) as ctx:
        scoring_services.cycle_close(actor=admin, cycle=cycle)
    assert Objective.objects.filter(cycle=cycle, state="closed", score__isnull=False).count() == n
    return len(ctx.captured_queries)


def test_closing_takes_a_fixed_number_of_queries(admin, org):
    assert _queries_to_close(admin, org, 3) == _queries_to_close(admin, org, 40)


# A closed cycle is read-only -------------------------------------------------------------------


@pytest.fixture
def closed(admin, cycle, world):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    return fresh(cycle)


CLOSED = "is closed: its OKRs can no longer change"


def test_services_refuse_changes_in_a_closed_cycle(admin, team, closed, world):
    with pytest.raises(ValidationError, match=CLOSED):
        check_in(admin, world["kr_a"], 40)
    with pytest.raises(ValidationError, match=CLOSED):
        okr_services.objective_update(actor=admin, objective=world["draft"], title="New title")
    with pytest.raises(ValidationError, match=CLOSED):
        okr_services.key_result_update(actor=admin, key_result=world["kr_a"], target=50)
    with pytest.raises(ValidationError, match=CLOSED):
        f.make_objective(admin, closed, team, title="Late arrival")
    with pytest.raises(ValidationError, match=CLOSED):
        okr_services.objective_set_state(actor=admin, objective=world["weighted"], state="approved")
    assert fresh(world["kr_a"]).current == 29


def test_the_web_refuses_check_ins_and_edits_with_a_clear_message(client, admin, closed, world):
    client.force_login(admin)
    kr = world["kr_a"]
    url = reverse("key_result_check_in", args=[kr.pk])
    response = client.post(url, {"value": "40", "confidence": "on_track", "layout": "page"})
    assert response.status_code == 403
    assert f"{closed.name} is closed" in response.content.decode()
    response = client.post(
        reverse("objective_edit", args=[world["draft"].pk]),
        {
            "title": "Changed after the close",
            "commitment": "committed",
            "unit": world["draft"].unit_id,
        },
    )
    assert response.status_code in (403, 422)
    assert fresh(world["draft"]).title == "Still a draft"
    assert fresh(kr).current == 29
    # The objective page offers no check-in any more.
    page = client.get(reverse("objective_detail", args=[world["weighted"].pk])).content.decode()
    assert url not in page


def test_the_api_refuses_check_ins_and_edits_with_a_clear_message(admin, closed, world):
    api = Api(admin)
    kr = world["kr_a"]
    response = api.post(f"/key-results/{kr.pk}/check-ins", {"value": 40, "confidence": "on_track"})
    assert response.status_code == 409
    assert CLOSED in response.json()["message"]
    response = api.patch(f"/objectives/{world['draft'].pk}", {"title": "Changed after close"})
    assert response.status_code == 409
    assert CLOSED in response.json()["message"]
    assert fresh(kr).current == 29


# Adjusting scores by hand ----------------------------------------------------------------------


@pytest.fixture
def reviewing(admin, team):
    """A cycle in its review phase (its last two weeks) with one measured objective."""
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="Reviewing", start=today - timedelta(days=80), end=today + timedelta(days=5)
    )
    o = approved(admin, cycle, team, "Ship the mobile app")
    kr = f.make_kr(admin, o, title="Beta users from 0 to 200", start=0, target=200)
    check_in(admin, kr, 130)  # 0.65 → 0.7
    return {"cycle": cycle, "objective": o, "kr": kr}


def test_adjustment_keeps_history_beside_the_computed_score(admin, reviewing):
    o = reviewing["objective"]
    first = scoring_services.objective_score_adjust(
        actor=admin, objective=o, score=0.8, reason="  Store approval took three weeks.  "
    )
    assert (first.computed_score, first.old_score, first.new_score) == (0.7, 0.7, 0.8)
    assert first.reason == "Store approval took three weeks."
    assert first.actor == admin
    second = scoring_services.objective_score_adjust(
        actor=admin, objective=o, score=0.65, reason="Agreed at the company review."
    )
    # 0.65 is kept to one decimal, half up.
    assert (second.old_score, second.new_score) == (0.8, 0.7)
    assert fresh(o).score == 0.7
    assert list(ScoreChange.objects.filter(objective=o).order_by("created_at")) == [first, second]


@pytest.mark.parametrize(
    "score,reason,field",
    [
        (0.8, "", "reason"),
        (0.8, "   ", "reason"),
        (0.8, "x" * 2001, "reason"),
        (1.2, "Too generous", "score"),
        (-0.1, "Too harsh", "score"),
        (float("nan"), "Not a number", "score"),
        (None, "Missing", "score"),
        (0.7, "Same as computed", "score"),
    ],
)
def test_adjustment_validates_before_writing(admin, reviewing, score, reason, field):
    with pytest.raises(ValidationError) as exc:
        scoring_services.objective_score_adjust(
            actor=admin, objective=reviewing["objective"], score=score, reason=reason
        )
    assert field in exc.value.message_dict
    assert not ScoreChange.objects.exists()
    assert fresh(reviewing["objective"]).score is None


def test_adjustment_is_for_leads_and_admins(org, admin, team, reviewing):
    member = f.make_person(org, name="Mo Member")
    f.join(team, member)
    lead = f.make_person(org, name="Lea Lead")
    f.join(team, lead, role="lead")
    viewer = f.make_person(org, role=Person.Role.VIEWER)
    for person in (member, viewer):
        with pytest.raises(PermissionDenied):
            scoring_services.objective_score_adjust(
                actor=person, objective=reviewing["objective"], score=0.9, reason="Mine"
            )
    scoring_services.objective_score_adjust(
        actor=lead, objective=reviewing["objective"], score=0.9, reason="The lead's call"
    )
    assert fresh(reviewing["objective"]).score == 0.9


def test_adjustment_waits_for_the_review_phase(admin, cycle, world):
    # The fixture's cycle runs to 31 December: not in review yet.
    with pytest.raises(ValidationError, match="review phase"):
        scoring_services.objective_score_adjust(
            actor=admin, objective=world["weighted"], score=0.9, reason="Too early"
        )


def test_adjustment_after_close_is_a_review_record(admin, closed, world):
    change = scoring_services.objective_score_adjust(
        actor=admin, objective=world["weighted"], score=0.9, reason="Late data arrived."
    )
    assert (change.computed_score, change.old_score, change.new_score) == (0.7, 0.7, 0.9)
    o = fresh(world["weighted"])
    assert (o.computed_score, o.score) == (0.7, 0.9)


def test_unscored_objectives_cannot_be_adjusted(admin, closed, world):
    for key in ("draft", "dropped"):
        with pytest.raises(ValidationError, match="not scored"):
            scoring_services.objective_score_adjust(
                actor=admin, objective=world[key], score=0.5, reason="Why not"
            )


def test_key_result_adjustment(admin, reviewing):
    kr = reviewing["kr"]
    change = scoring_services.key_result_score_adjust(
        actor=admin, key_result=kr, score=1, reason="The last 70 signed up after the count."
    )
    assert (change.key_result, change.objective) == (kr, None)
    assert (change.computed_score, change.old_score, change.new_score) == (0.7, 0.7, 1.0)
    assert fresh(kr).score == 1.0
    # The objective is scored on its own.
    assert fresh(reviewing["objective"]).score is None
    with pytest.raises(ValidationError) as exc:
        scoring_services.key_result_score_adjust(actor=admin, key_result=kr, score=0.5, reason="")
    assert "reason" in exc.value.message_dict


def test_grading_scheme_is_an_admin_setting(org, admin, member):
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="traffic_light")
    assert fresh(org).grading_scheme == "traffic_light"
    with pytest.raises(PermissionDenied):
        scoring_services.organization_grading_scheme_set(actor=member, scheme="percent")
    with pytest.raises(ValidationError):
        scoring_services.organization_grading_scheme_set(actor=admin, scheme="stars")
    assert fresh(org).grading_scheme == "traffic_light"
