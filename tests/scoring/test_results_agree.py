"""A score's band agrees with the objective's success everywhere it is shown: a committed
objective scored 0.7 missed (it succeeds only at 1.0), so no page, export or API answer shows it
as "Successful" or in green; an aspirational 0.7 succeeded and does. The API's ``band`` stays
the 0.0–1.0 band, with ``success`` beside it. The success-rate chart names every closed cycle."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cadence.okrs import services as okr_services
from cadence.orgs.selectors import company_unit
from cadence.scoring import services as scoring_services
from tests import factories as f
from tests.api.conftest import Api


def scored(admin, cycle, unit, title, value, *, target=10, **kw):
    o = f.make_objective(admin, cycle, unit, title=title, state="approved", **kw)
    kr = f.make_kr(admin, o, title=f"{title}: from 0 to {target}", start=0, target=target)
    okr_services.check_in_create(actor=admin, key_result=kr, value=value, confidence="on_track")
    return o, kr


@pytest.fixture
def closed(org, admin, team):
    """A closed cycle: on the team a committed objective at 0.7 (missed), an aspirational one at
    0.7 (succeeded) and a committed one at 1.0 (succeeded); the company a committed 0.7 too."""
    cycle = f.make_cycle(admin, name="Autumn", start=date(2026, 8, 1), end=date(2026, 11, 20))
    out = {"cycle": cycle}
    out["missed"], out["missed_kr"] = scored(admin, cycle, team, "Answer within a day", 7)
    out["stretch"], _ = scored(
        admin, cycle, team, "Double the partners", 7, commitment="aspirational"
    )
    out["done"], _ = scored(admin, cycle, team, "Launch in Spain", 10)
    out["company"], _ = scored(admin, cycle, company_unit(org), "Hire ten engineers", 7)
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    return out


def badge_of(html: str, anchor: str) -> str:
    """The first score badge after an element id (the objective's or key result's own)."""
    rest = html[html.index(f'id="{anchor}"') :]
    match = re.search(r'<span class="score score--(\w+)"[^>]*>(.*?)</span>\s*</span>', rest, re.S)
    assert match, f"no score badge after {anchor}"
    return match.group(1) + " " + re.sub(r"<[^>]+>|\s+", " ", match.group(2))


def test_results_page_never_calls_a_missed_commitment_successful(client, member, closed):
    client.force_login(member)
    html = client.get(reverse("cycle_results", args=[closed["cycle"].pk])).content.decode()
    missed = badge_of(html, f"objective-{closed['missed'].pk}")
    assert missed.startswith("yellow") and "0.7" in missed and "Partial progress" in missed
    assert "Successful" not in missed
    card = html[html.index(f'id="objective-{closed["missed"].pk}"') :]
    assert "Not reached" in card.split("</li>")[0]
    # Its key result is committed too (its objective's commitment): 0.7 is no success there.
    assert badge_of(html, f"kr-{closed['missed_kr'].pk}").startswith("yellow")
    stretch = badge_of(html, f"objective-{closed['stretch'].pk}")
    assert stretch.startswith("green") and "Successful" in stretch
    done = badge_of(html, f"objective-{closed['done'].pk}")
    assert done.startswith("green") and "Successful" in done and "Outstanding" not in done
    # The distribution counts the missed one where its badge shows it.
    assert "Product: 3 scored — 1 partial progress, 2 successful." in html
    assert "Company success rate" in html and "50%" in html  # 2 of 4


def test_a_key_result_of_its_own_commitment_follows_its_own(client, admin, org, team):
    cycle = f.make_cycle(admin, name="Winter", start=date(2026, 8, 1), end=date(2026, 11, 20))
    o = f.make_objective(admin, cycle, team, title="Grow partners", state="approved")
    kr = f.make_kr(admin, o, title="Partners from 0 to 10", commitment="aspirational", target=10)
    okr_services.check_in_create(actor=admin, key_result=kr, value=7, confidence="on_track")
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    client.force_login(admin)
    html = client.get(reverse("cycle_results", args=[cycle.pk])).content.decode()
    assert badge_of(html, f"kr-{kr.pk}").startswith("green")  # aspirational: 0.7 is success
    assert badge_of(html, f"objective-{o.pk}").startswith("yellow")  # committed: it is not


def test_traffic_light_words_follow_the_commitment(client, admin, org, closed):
    scoring_services.organization_grading_scheme_set(actor=admin, scheme="traffic_light")
    client.force_login(admin)
    html = client.get(reverse("cycle_results", args=[closed["cycle"].pk])).content.decode()
    assert "Partly there (0.7)" in badge_of(html, f"objective-{closed['missed'].pk}")
    assert "On target (0.7)" in badge_of(html, f"objective-{closed['stretch'].pk}")


def test_unit_page_objective_page_and_dashboard_cards_agree(client, admin, team, closed):
    client.force_login(admin)
    cycle = closed["cycle"]
    pages = {
        "unit": reverse("unit_detail", args=[team.pk]) + f"?cycle={cycle.pk}",
        "objective": reverse("objective_detail", args=[closed["missed"].pk]),
    }
    for name, page in pages.items():
        html = client.get(page).content.decode()
        badge = badge_of(html, f"objective-{closed['missed'].pk}-progress")
        assert badge.startswith("yellow") and "Partial progress" in badge, name
        assert "Successful" not in badge, name
    html = client.get(reverse("dashboard") + f"?cycle={cycle.pk}").content.decode()
    badge = badge_of(html, f"objective-{closed['company'].pk}-progress")
    assert badge.startswith("yellow") and "Partial progress" in badge
    unit_html = client.get(pages["unit"]).content.decode()
    stretch = badge_of(unit_html, f"objective-{closed['stretch'].pk}-progress")
    assert stretch.startswith("green") and "Successful" in stretch


def test_retrospective_and_company_review_pages_agree(client, admin, team, closed):
    client.force_login(admin)
    cycle = closed["cycle"]
    html = client.get(reverse("team_retrospective", args=[cycle.pk, team.pk])).content.decode()
    row = html[html.index("Answer within a day") :].split("</tr>")[0]
    assert "score-chip--yellow" in row and "Partial progress" in row and "Missed" in row
    assert "Successful" not in row
    html = client.get(reverse("company_review", args=[cycle.pk])).content.decode()
    row = html[html.index("Hire ten engineers") :].split("</tr>")[0]
    assert "score-chip--yellow" in row and "Partial progress" in row and "Missed" in row


def test_html_and_pdf_exports_agree(client, admin, closed):
    client.force_login(admin)
    cycle = closed["cycle"]
    html = client.get(reverse("company_review", args=[cycle.pk]) + "?format=html").content.decode()
    row = html[html.index("Hire ten engineers") :].split("</tr>")[0]
    assert "chip--yellow" in row and "Partial progress" in row and "Missed" in row
    assert "Successful" not in row
    pdf = client.get(reverse("company_review_pdf", args=[cycle.pk])).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Hire ten engineers - committed: 0.7 (Partial progress); missed" in text


def test_api_band_stays_the_scale_and_success_is_added(admin, closed):
    api = Api(admin)
    missed = api.get(f"/objectives/{closed['missed'].pk}").json()
    assert (missed["score"], missed["band"], missed["success"]) == (0.7, "successful", False)
    assert missed["key_results"][0]["band"] == "successful"
    assert missed["key_results"][0]["success"] is False
    stretch = api.get(f"/objectives/{closed['stretch'].pk}").json()
    assert (stretch["band"], stretch["success"]) == ("successful", True)
    done = api.get(f"/objectives/{closed['done'].pk}").json()
    assert (done["band"], done["success"]) == ("outstanding", True)
    kr = api.get(f"/key-results/{closed['missed_kr'].pk}").json()
    assert (kr["band"], kr["success"]) == ("successful", False)
    listed = api.get(f"/objectives?cycle_id={closed['cycle'].pk}").json()
    assert {o["title"]: o["success"] for o in listed} == {
        "Answer within a day": False,
        "Double the partners": True,
        "Launch in Spain": True,
        "Hire ten engineers": False,
    }
    summary = api.get(f"/cycles/{closed['cycle'].pk}/summary").json()
    row = next(o for o in summary["objectives"] if o["id"] == str(closed["missed"].pk))
    assert (row["band"], row["success"]) == ("successful", False)


def test_api_success_is_null_before_scoring(admin, team, cycle):
    o, kr = scored(admin, cycle, team, "Still running", 7)
    body = Api(admin).get(f"/objectives/{o.pk}").json()
    assert (body["score"], body["band"], body["success"]) == (None, None, None)
    assert body["key_results"][0]["success"] is None


def test_api_retrospective_band_is_the_scale_and_success_the_outcome(admin, team, closed):
    body = Api(admin).get(f"/cycles/{closed['cycle'].pk}/units/{team.pk}/retrospective").json()
    row = next(o for o in body["objectives"] if o["title"] == "Answer within a day")
    assert (row["band"], row["band_label"], row["success"]) == ("successful", "Successful", False)
    assert row["needs_explanation"] is True


def test_success_rate_chart_names_every_closed_cycle(client, admin, org, team):
    names = []
    for year in (2024, 2025):
        for q, (start, end) in enumerate(((1, 3), (4, 6), (7, 9), (10, 12)), start=1):
            last = {3: 31, 6: 30, 9: 30, 12: 31}[end]
            c = f.make_cycle(
                admin,
                name=f"Q{q} {year}",
                start=date(year, start, 1),
                end=date(year, end, last),
            )
            if (year, q) != (2025, 2):  # one quarter scored nothing
                scored(admin, c, team, f"Goal {q} {year}", 10 if q % 2 else 5)
            scoring_services.cycle_close(actor=admin, cycle=c)
            names.append(c.name)
    client.force_login(admin)
    for page in (
        reverse("cycle_results", args=[c.pk]),
        reverse("unit_detail", args=[team.pk]),
    ):
        html = client.get(page).content.decode()
        labels = re.findall(r'<span class="rate-chart__label"[^>]*>([^<]+)</span>', html)
        assert labels == names, page
        assert "Q2 2025 nothing scored" in html  # in the chart's summary
        assert "Nothing scored in Q2 2025." in html
        assert 'class="rate-chart__gap"' in html
        assert html.count('class="chart__point rate-chart__point"') == len(names) - 1
