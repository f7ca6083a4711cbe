"""The quick check-in: one click opens the form inline (htmx), Enter saves it, and the key
result's row and its objectives' progress bars update without a page reload."""

import re

from django.urls import reverse

from cadence.okrs import services
from cadence.okrs.models import CheckIn
from tests.web.conftest import HTMX


def oob_block(html: str, objective) -> str:
    match = re.search(
        rf'<div class="objective-progress" id="objective-{objective.id}-progress" '
        rf'hx-swap-oob="true">.*?</div>\s*</div>',
        html,
        re.S,
    )
    assert match, f"no out-of-band progress for {objective.title!r}"
    return match.group(0)


def test_get_returns_the_inline_form_with_the_value_focused(member_client, kr):
    response = member_client.get(reverse("key_result_check_in", args=[kr.id]), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html  # a partial, not a page
    assert html.lstrip().startswith("<form")
    assert f'hx-post="{reverse("key_result_check_in", args=[kr.id])}"' in html
    assert f'hx-target="#kr-{kr.id}"' in html
    value = re.search(r'<input[^>]*name="value"[^>]*>', html).group(0)
    assert "autofocus" in value
    assert f'<label for="checkin-{kr.id}-value">New value (%)</label>' in html
    for confidence in ("on_track", "at_risk", "off_track"):
        assert f'value="{confidence}"' in html
    assert f'<label for="checkin-{kr.id}-note">' in html
    assert 'type="submit"' in html  # Enter in the value field submits the form


def test_post_saves_and_returns_the_row_with_out_of_band_progress(
    member_client, kr, kr2, objective, company_objective
):
    url = reverse("key_result_check_in", args=[kr.id])
    before = member_client.get(reverse("dashboard")).content.decode()
    assert f'id="objective-{objective.id}-progress"' in before
    # From the dashboard (the inline form sends the page it is on as ``next``).
    response = member_client.post(
        url, {"value": "29", "confidence": "at_risk", "note": "Slow week", "next": "/"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith(f'<li class="kr" id="kr-{kr.id}">')
    assert "29%" in html and 'aria-valuenow="50"' in html  # 13% → 45%, now 29%
    # Its objective: kr 50%, kr2 still at its start value (0%) → 25%; the company objective
    # above it moves with it.
    assert 'aria-valuenow="25"' in oob_block(html, objective)
    assert 'aria-valuenow="25"' in oob_block(html, company_objective)
    assert 'id="live" hx-swap-oob="innerHTML"' in html
    check_in = CheckIn.objects.get(key_result=kr)
    assert (check_in.value, check_in.confidence, check_in.note) == (29, "at_risk", "Slow week")
    # And the next check-in moves the bars again.
    html = member_client.post(url, {"value": "45", "confidence": "on_track", "next": "/"}, **HTMX)
    html = html.content.decode()
    assert 'aria-valuenow="50"' in oob_block(html, objective)
    assert 'aria-valuenow="50"' in oob_block(html, company_objective)


def test_from_the_objective_page_the_card_comes_back_with_its_chart(member_client, kr):
    url = reverse("key_result_check_in", args=[kr.id])
    response = member_client.post(
        url, {"value": "20", "confidence": "on_track", "layout": "card"}, **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="kr kr--card" id="kr-{kr.id}">')
    assert '<svg class="chart__svg"' in html and "<polyline" in html
    assert "All check-ins (1)" in html
    # The card is the objective page's, whole: its edit links and its cycle's dates.
    assert reverse("key_result_edit", args=[kr.id]) in html
    assert "1 Oct" in html and "31 Dec 2026" in html


def test_validation_errors_come_back_in_the_form_with_422(member_client, kr):
    url = reverse("key_result_check_in", args=[kr.id])
    for value, message in (
        ("", "required"),
        ("abc", "Enter a number"),
        ("nan", "finite number"),
        ("inf", "finite number"),
    ):
        response = member_client.post(url, {"value": value, "confidence": "on_track"}, **HTMX)
        assert response.status_code == 422, value
        assert response["HX-Retarget"] == f"#kr-{kr.id}-slot"
        assert response["HX-Reswap"] == "innerHTML"
        html = response.content.decode()
        assert html.lstrip().startswith("<form")
        errors = re.search(
            rf'<ul class="errorlist" id="checkin-{kr.id}-value_error">(.*?)</ul>', html, re.S
        )
        assert errors and message in errors.group(1), value
        assert 'aria-invalid="true"' in html
    response = member_client.post(url, {"value": "20", "confidence": "sure"}, **HTMX)
    assert response.status_code == 422
    assert f'id="checkin-{kr.id}-confidence_error"' in response.content.decode()
    assert not CheckIn.objects.filter(key_result=kr).exists()


def test_htmx_is_told_to_swap_422_answers(member_client):
    html = member_client.get(reverse("dashboard")).content.decode()
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    import json

    handling = json.loads(config)["responseHandling"]
    first_match = next(h for h in handling if re.fullmatch(h["code"], "422"))
    assert first_match["swap"] is True
    assert 'src="/static/cadence/vendor/htmx.min.js"' in html


def test_milestone_check_in_is_done_or_not(member_client, member, objective):
    from tests import factories as f

    milestone = f.make_kr(member, objective, title="Checklist live", kind="milestone")
    url = reverse("key_result_check_in", args=[milestone.id])
    html = member_client.get(url, **HTMX).content.decode()
    assert "Done" in html and "Not done yet" in html
    response = member_client.post(url, {"value": "1", "confidence": "on_track"}, **HTMX)
    assert response.status_code == 200
    assert 'aria-valuenow="100"' in response.content.decode()
    response = member_client.post(url, {"value": "0.5", "confidence": "on_track"}, **HTMX)
    assert response.status_code == 422


def test_without_htmx_the_form_is_a_page_and_saving_redirects(member_client, kr):
    url = reverse("key_result_check_in", args=[kr.id])
    page = member_client.get(url + "?next=/")
    assert page.status_code == 200 and "<html" in page.content.decode()
    response = member_client.post(url, {"value": "30", "confidence": "on_track", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = member_client.post(
        url, {"value": "31", "confidence": "on_track", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("objective_detail", args=[kr.objective_id]) + (
        f"#kr-{kr.id}"
    )
    bad = member_client.post(url, {"value": "x", "confidence": "on_track"})
    assert bad.status_code == 422 and "<html" in bad.content.decode()
    assert CheckIn.objects.filter(key_result=kr).count() == 2


def test_a_key_result_owner_outside_the_unit_may_check_in(client, org, member, objective):
    from tests import factories as f

    outsider_owner = f.make_person(org, name="Owner elsewhere")
    owned = f.make_kr(member, objective, title="Owned from afar", owner=outsider_owner)
    client.force_login(outsider_owner)
    response = client.post(
        reverse("key_result_check_in", args=[owned.id]),
        {"value": "10", "confidence": "on_track"},
        **HTMX,
    )
    assert response.status_code == 200
    html = client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert f'data-checkin-open="{owned.id}"' in html
    assert html.count("data-checkin-open=") == 1  # only on the key result they own


def test_no_check_ins_on_an_abandoned_objective(member_client, member, kr, objective):
    services.objective_set_state(
        actor=member, objective=objective, state="abandoned", reason="Priorities changed"
    )
    html = member_client.get(reverse("objective_detail", args=[objective.id])).content.decode()
    assert "data-checkin-open" not in html
    response = member_client.post(
        reverse("key_result_check_in", args=[kr.id]),
        {"value": "20", "confidence": "on_track"},
        **HTMX,
    )
    assert response.status_code == 403
