"""The results page: success rates, distribution, scores with bands, adjust and close forms,
the grading scheme; scores on objective cards and pages; the unit page's success history."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.orgs.selectors import company_unit
from cadence.scoring import selectors as scoring_selectors
from cadence.scoring import services as scoring_services
from cadence.scoring.models import ScoreChange
from tests import factories as f


def approved(admin, cycle, unit, title, **kw):
    return f.make_objective(admin, cycle, unit, title=title, state="approved", **kw)


def measured(admin, cycle, unit, title, value, *, target=100, **kw):
    o = approved(admin, cycle, unit, title, **kw)
    kr = f.make_kr(admin, o, title=f"{title}: from 0 to {target}", start=0, target=target)
    okr_services.check_in_create(actor=admin, key_result=kr, value=value, confidence="on_track")
    return o, kr


@pytest.fixture
def reviewing(org, admin, team):
    """A cycle in its review phase: a committed objective at 1.0, an aspirational one at 0.7
    (from 0.65), a committed one at 0.3, and a draft."""
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin, name="Summer", start=today - timedelta(days=80), end=today + timedelta(days=5)
    )
    done, _ = measured(admin, cycle, team, "Launch in Spain", 100)
    stretch, stretch_kr = measured(
        admin, cycle, team, "Double the partners", 13, target=20, commitment="aspirational"
    )
    low, _ = measured(admin, cycle, company_unit(org), "Hire ten engineers", 3, target=10)
    draft = f.make_objective(admin, cycle, team, title="A draft idea")
    return {
        "cycle": cycle,
        "done": done,
        "stretch": stretch,
        "stretch_kr": stretch_kr,
        "low": low,
        "draft": draft,
    }


def url(cycle):
    return reverse("cycle_results", args=[cycle.pk])


def test_summary_previews_scores_and_rates(org, reviewing):
    summary = scoring_selectors.cycle_summary(org, reviewing["cycle"], viewer=f.ALL)
    assert summary.preview is True
    rows = {r.obj.title: r for r in summary.objectives}
    assert (rows["Launch in Spain"].score, rows["Launch in Spain"].success) == (1.0, True)
    assert (rows["Double the partners"].score, rows["Double the partners"].success) == (0.7, True)
    assert rows["Double the partners"].band.key == "successful"
    assert (rows["Hire ten engineers"].score, rows["Hire ten engineers"].success) == (0.3, False)
    assert rows["Hire ten engineers"].band.colour == "red"
    assert (rows["A draft idea"].scoreable, rows["A draft idea"].score) == (False, None)
    assert summary.success_rate == pytest.approx(2 / 3)
    assert (summary.scored, summary.succeeded) == (3, 2)
    units = {u.unit.name: u for u in summary.units}
    assert units["Product"].success_rate == 1.0
    assert units[company_unit(org).name].success_rate == 0.0
    # Preview scores are not stored.
    assert Objective.objects.filter(score__isnull=False).count() == 0


def test_results_page_shows_rates_scores_and_bands(client, member, reviewing):
    client.force_login(member)
    response = client.get(url(reviewing["cycle"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "67%" in html  # the company: 2 of 3
    assert "2 of 3 scored objectives succeeded" in html
    assert "Preview." in html
    assert "Score distribution per unit" in html
    # The committed 1.0 and the aspirational 0.7 both succeeded: both in the successful band.
    assert "Product: 2 scored — 2 successful." in html
    assert "Succeeded" in html and "Not reached" in html
    assert "A draft idea" in html.split("Not scored")[-1]
    # A member is no lead: no adjust form, no close form, no grading scheme.
    assert "Adjust score" not in html
    assert "Close the cycle and score it" not in html
    assert "Grading scheme" not in html


def test_admin_sees_close_and_scheme_forms_and_adjusts(client, admin, reviewing):
    client.force_login(admin)
    html = client.get(url(reviewing["cycle"])).content.decode()
    assert "Close the cycle and score it" in html
    assert "Grading scheme" in html
    assert "Adjust score" in html
    o = reviewing["stretch"]
    response = client.post(
        reverse("objective_score", args=[o.pk]), {"score": "0.9", "reason": "A late partner."}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#objective-{o.pk}")
    o.refresh_from_db()
    assert o.score == 0.9
    html = client.get(url(reviewing["cycle"])).content.decode()
    assert "A late partner." in html
    assert "adjusted · computed 0.7" in html


def test_adjust_form_errors_are_shown_at_the_field(client, admin, reviewing):
    client.force_login(admin)
    o = reviewing["stretch"]
    response = client.post(reverse("objective_score", args=[o.pk]), {"score": "0.9", "reason": ""})
    assert response.status_code == 422
    assert "Say why the score differs from the computed one." in response.content.decode()
    response = client.post(reverse("objective_score", args=[o.pk]), {"score": "7", "reason": "x"})
    assert response.status_code == 422
    assert "A score goes from 0.0 to 1.0." in response.content.decode()
    assert not ScoreChange.objects.exists()


def test_key_result_adjustment_through_the_page(client, admin, reviewing):
    client.force_login(admin)
    kr = reviewing["stretch_kr"]
    response = client.post(
        reverse("key_result_score", args=[kr.pk]), {"score": "0.8", "reason": "Counted late."}
    )
    assert response.status_code == 302
    kr.refresh_from_db()
    assert kr.score == 0.8


def test_members_may_not_adjust_or_close(client, member, reviewing):
    client.force_login(member)
    response = client.post(
        reverse("objective_score", args=[reviewing["done"].pk]), {"score": "0.5", "reason": "x"}
    )
    assert response.status_code == 403
    response = client.post(reverse("cycle_close", args=[reviewing["cycle"].pk]), {"confirm": "on"})
    assert response.status_code == 403
    reviewing["cycle"].refresh_from_db()
    assert reviewing["cycle"].closed_at is None


def test_closing_through_the_page_needs_the_confirmation(client, admin, reviewing):
    client.force_login(admin)
    cycle = reviewing["cycle"]
    close = reverse("cycle_close", args=[cycle.pk])
    assert client.get(close).status_code == 405
    response = client.post(close, {})
    assert response.status_code == 422
    assert "Tick the box" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.closed_at is None
    response = client.post(close, {"confirm": "on"}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "is closed and every objective is scored" in html
    assert "Close the cycle and score it" not in html
    cycle.refresh_from_db()
    assert cycle.closed_at is not None
    reviewing["done"].refresh_from_db()
    assert (reviewing["done"].score, reviewing["done"].state) == (1.0, "closed")
    # Closing twice says so.
    response = client.post(close, {"confirm": "on"})
    assert response.status_code == 422
    assert "already closed" in response.content.decode()


def test_grading_scheme_changes_how_scores_are_shown(client, admin, member, org, reviewing):
    client.force_login(admin)
    response = client.post(
        reverse("grading_scheme", args=[reviewing["cycle"].pk]), {"scheme": "percent"}
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.grading_scheme == "percent"
    html = client.get(url(reviewing["cycle"])).content.decode()
    assert '<strong class="score__value">70%</strong>' in html
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="traffic_light")
    html = client.get(url(reviewing["cycle"])).content.decode()
    assert "On target (0.7)" in html
    client.force_login(member)
    response = client.post(
        reverse("grading_scheme", args=[reviewing["cycle"].pk]), {"scheme": "bands"}
    )
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.grading_scheme == "traffic_light"


def test_scores_show_on_cards_and_the_objective_page_once_scored(client, admin, reviewing):
    client.force_login(admin)
    o = reviewing["stretch"]
    page = reverse("objective_detail", args=[o.pk])
    assert "score__value" not in client.get(page).content.decode()
    scoring_services.cycle_close(actor=admin, cycle=reviewing["cycle"])
    html = client.get(page).content.decode()
    assert '<strong class="score__value">0.7</strong>' in html
    assert "Successful" in html
    dashboard = client.get(reverse("dashboard") + f"?cycle={reviewing['cycle'].pk}")
    # The company objective's card on the dashboard: 3 of 10 ⇒ 0.3, red.
    assert '<strong class="score__value">0.3</strong>' in dashboard.content.decode()


def test_unit_page_and_results_show_the_success_history(client, admin, org, team, reviewing):
    client.force_login(admin)
    unit_page = reverse("unit_detail", args=[team.pk])
    assert "Success rate by cycle" not in client.get(unit_page).content.decode()
    scoring_services.cycle_close(actor=admin, cycle=reviewing["cycle"])
    html = client.get(unit_page).content.decode()
    assert "Success rate by cycle" in html
    assert "Summer 100%" in html  # the chart's summary: both Product objectives succeeded
    html = client.get(url(reviewing["cycle"])).content.decode()
    assert "Company success rate per closed cycle" in html
    assert "Summer 67%" in html


def test_success_rate_history_across_closed_cycles(org, admin, team):
    from datetime import date

    q1 = f.make_cycle(admin, name="Q1", start=date(2026, 1, 1), end=date(2026, 3, 31))
    q2 = f.make_cycle(admin, name="Q2", start=date(2026, 4, 1), end=date(2026, 6, 30))
    f.make_cycle(admin, name="Q3", start=date(2026, 7, 1), end=date(2026, 9, 30))  # open
    measured(admin, q1, team, "One", 100)
    measured(admin, q1, team, "Two", 50)
    measured(admin, q2, team, "Three", 100)
    measured(admin, q2, company_unit(org), "Four", 10)
    scoring_services.cycle_close(actor=admin, cycle=q2)  # closed out of order: still sorted by date
    scoring_services.cycle_close(actor=admin, cycle=q1)
    company = scoring_selectors.success_rate_history(org)
    assert [(p.cycle.name, p.success_rate, p.scored) for p in company] == [
        ("Q1", 0.5, 2),
        ("Q2", 0.5, 2),
    ]
    unit = scoring_selectors.success_rate_history(org, team)
    assert [(p.cycle.name, p.success_rate) for p in unit] == [("Q1", 0.5), ("Q2", 1.0)]
    with CaptureQueriesContext(connection) as ctx:
        scoring_selectors.success_rate_history(org)
    assert len(ctx.captured_queries) == 2


def test_results_page_queries_do_not_grow(client, admin, org, reviewing):
    client.force_login(admin)
    cycle = reviewing["cycle"]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url(cycle)).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    team = f.make_unit(org, "More")
    for i in range(12):
        o, kr = measured(admin, cycle, team, f"Extra {i}", i * 8)
        scoring_services.objective_score_adjust(
            actor=admin, objective=o, score=0.95, reason=f"R{i}"
        )
    assert count() == small
