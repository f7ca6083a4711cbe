"""Key results carry their forecast in every API answer (issue 16): value, progress and whether
it reaches the target, or null without enough check-ins."""

from datetime import UTC, datetime, timedelta

import pytest

from cadence.okrs import services as okr_services
from tests import factories as f

FIRST = datetime(2026, 10, 9, 15, 0, tzinfo=UTC)  # a Friday; the suite's today is 23 Nov


def _check_ins(actor, kr, values):
    for i, value in enumerate(values):
        okr_services.check_in_create(
            actor=actor,
            key_result=kr,
            value=value,
            confidence="on_track",
            at=FIRST + timedelta(days=7 * i),
        )


@pytest.fixture
def onboarding(admin, objective):
    """13% → 45%, up 2.2 points a week: about 41% by 31 December."""
    kr = f.make_kr(
        admin, objective, title="Onboarding completion from 13% to 45%", start=13, target=45
    )
    _check_ins(admin, kr, [13, 15.2, 17.4, 19.6, 21.8, 24.0, 26.2])
    return kr


def test_a_key_result_with_enough_check_ins_has_a_forecast(admin_api, onboarding):
    body = admin_api.get(f"/key-results/{onboarding.pk}").json()
    forecast = body["forecast"]
    assert set(forecast) == {"value", "progress", "reaches_target"}
    # From the last check-in (26.2 on 20 Nov), 2.2 a week for the 41 days to 31 December.
    assert forecast["value"] == pytest.approx(26.2 + 2.2 * 41 / 7, abs=1e-6)
    assert forecast["progress"] == pytest.approx((forecast["value"] - 13) / 32)
    assert forecast["reaches_target"] is False


def test_forecast_in_every_answer_that_holds_key_results(admin, admin_api, objective, onboarding):
    listed = admin_api.get(f"/objectives?cycle_id={objective.cycle_id}").json()
    [kr] = [kr for o in listed for kr in o["key_results"] if kr["id"] == str(onboarding.pk)]
    assert kr["forecast"]["reaches_target"] is False
    one = admin_api.get(f"/objectives/{objective.pk}").json()
    assert one["key_results"][0]["forecast"] == kr["forecast"]
    krs = admin_api.get(f"/objectives/{objective.pk}/key-results").json()
    assert krs[0]["forecast"] == kr["forecast"]
    # A check-in answers with the key result and its forecast: one sudden jump does not swing
    # the trend of seven weeks, and a fall of the same size does not either.
    for value in (40, 12):
        response = admin_api.post(
            f"/key-results/{onboarding.pk}/check-ins", {"value": value, "confidence": "on_track"}
        )
        assert response.status_code == 201
        assert response.json()["current"] == value
        assert response.json()["forecast"]["value"] == pytest.approx(kr["forecast"]["value"])


def test_a_target_reached_by_the_trend(admin, admin_api, objective):
    kr = f.make_kr(admin, objective, title="Tickets down from 220 to 120", start=220, target=120)
    _check_ins(admin, kr, [220, 210, 200, 190, 180, 170])
    forecast = admin_api.get(f"/key-results/{kr.pk}").json()["forecast"]
    assert forecast["reaches_target"] is True and forecast["progress"] == 1


def test_threshold_forecast(admin, admin_api, objective):
    kr = f.make_kr(
        admin, objective, title="NPS stays at 40 or more", kind="threshold", start=None, target=40
    )
    _check_ins(admin, kr, [50, 48, 46, 44])
    forecast = admin_api.get(f"/key-results/{kr.pk}").json()["forecast"]
    assert forecast["reaches_target"] is False and forecast["progress"] == 0


def test_null_without_enough_data(admin, admin_api, objective):
    few = f.make_kr(admin, objective, title="Activation from 40% to 60%", start=40, target=60)
    _check_ins(admin, few, [40, 42])
    none = f.make_kr(admin, objective, title="Churn from 5% to 3%", start=5, target=3)
    milestone = f.make_kr(admin, objective, title="Pricing page shipped", kind="milestone")
    _check_ins(admin, milestone, [0, 0, 0, 1])
    for kr in (few, none, milestone):
        body = admin_api.get(f"/key-results/{kr.pk}").json()
        assert "forecast" in body and body["forecast"] is None, kr.title
