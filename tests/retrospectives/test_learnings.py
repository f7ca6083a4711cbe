"""The learnings archive: search across cycles and units."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.retrospectives import selectors as retro_selectors
from cadence.retrospectives import services as retro_services
from tests import factories as f
from tests.retrospectives.retro_world import retro_kwargs


@pytest.fixture
def archive(org, admin, cycle, team):
    earlier = f.make_cycle(admin, name="Q3 2026", start=date(2026, 7, 1), end=date(2026, 9, 30))
    other = f.make_unit(org, "Platform")
    retro_services.retrospective_save(
        actor=admin,
        cycle=earlier,
        unit=team,
        **retro_kwargs(learnings=["Onboarding needs a single owner", "Estimate in days", "Demo"]),
    )
    retro_services.retrospective_save(
        actor=admin,
        cycle=cycle,
        unit=other,
        **retro_kwargs(learnings=["Automate the ONBOARDING emails", "Fewer meetings", "Pair"]),
    )
    retro_services.company_review_save(
        actor=admin, cycle=cycle, answers={}, notes="", summary="", ideas=["Onboarding in a day"]
    )
    return {"earlier": earlier, "other": other}


def texts(qs):
    return sorted(x.text for x in qs)


def test_search_is_case_insensitive_across_cycles_and_units(org, archive):
    assert texts(retro_selectors.learnings_search(org, q="onboarding")) == [
        "Automate the ONBOARDING emails",
        "Onboarding in a day",
        "Onboarding needs a single owner",
    ]


def test_filters_by_unit_cycle_and_kind(org, cycle, team, archive):
    assert texts(retro_selectors.learnings_search(org, q="onboarding", unit=team)) == [
        "Onboarding needs a single owner"
    ]
    assert texts(retro_selectors.learnings_search(org, q="onboarding", cycle=cycle)) == [
        "Automate the ONBOARDING emails",
        "Onboarding in a day",
    ]
    assert texts(retro_selectors.learnings_search(org, kind="idea")) == ["Onboarding in a day"]


def test_newest_cycle_first(org, archive):
    results = list(retro_selectors.learnings_search(org, q="onboarding"))
    assert results[-1].cycle == archive["earlier"]


def test_another_organization_sees_none(outsider, archive):
    assert not retro_selectors.learnings_search(outsider.organization).exists()


def test_page_lists_links_and_filters(client, admin, cycle, team, archive):
    client.force_login(admin)
    response = client.get(reverse("learnings"), {"q": "onboarding", "unit": str(team.id)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Onboarding needs a single owner" in body
    assert "Automate the ONBOARDING emails" not in body
    retro = reverse("team_retrospective", args=[archive["earlier"].id, team.id])
    assert retro in body and "Q3 2026" in body
    body = client.get(reverse("learnings"), {"kind": "idea"}).content.decode()
    assert reverse("company_review", args=[cycle.id]) in body


def test_the_cycle_filter_is_not_the_headers_cycle(client, admin, cycle, archive):
    """?cycle= is the cycle chosen in the header: the archive still shows every cycle, and its
    search form and links keep it; ?learned_in= filters."""
    earlier = archive["earlier"]
    client.force_login(admin)
    body = client.get(reverse("learnings"), {"cycle": str(earlier.id)}).content.decode()
    assert "Onboarding needs a single owner" in body and "Automate the ONBOARDING emails" in body
    assert f'<option value="{earlier.id}" selected>Q3 2026 · ' in body  # the header's
    assert f'<input type="hidden" name="cycle" value="{earlier.id}">' in body
    body = client.get(
        reverse("learnings"), {"cycle": str(earlier.id), "learned_in": str(cycle.id)}
    ).content.decode()
    assert "Onboarding needs a single owner" not in body
    assert "Automate the ONBOARDING emails" in body
    assert f'href="{reverse("learnings")}?cycle={earlier.id}">Clear<' in body


def test_page_is_404_for_foreign_filters(client, outsider, cycle, team):
    client.force_login(outsider)
    assert client.get(reverse("learnings"), {"unit": str(team.id)}).status_code == 404
    assert client.get(reverse("learnings"), {"learned_in": str(cycle.id)}).status_code == 404
    assert client.get(reverse("learnings"), {"learned_in": "nonsense"}).status_code == 404


def test_page_is_paginated(client, org, admin, cycle):
    for i in range(9):
        unit = f.make_unit(org, f"Team {i}")
        retro_services.retrospective_save(
            actor=admin,
            cycle=cycle,
            unit=unit,
            **retro_kwargs(learnings=[f"Lesson {i}.{j}" for j in range(3)]),
        )
    client.force_login(admin)
    first = client.get(reverse("learnings")).content.decode()
    assert "27 results" in first and "Page 1 of 2" in first
    second = client.get(reverse("learnings"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second and second.count('class="card learning"') == 2


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_learnings(client, org, admin, cycle):
    client.force_login(admin)

    def grow(start, n):
        for i in range(start, start + n):
            unit = f.make_unit(org, f"Team {i}")
            retro_services.retrospective_save(
                actor=admin,
                cycle=cycle,
                unit=unit,
                **retro_kwargs(learnings=[f"Lesson {i}.{j}" for j in range(3)]),
            )

    grow(0, 2)
    small = _count(client, reverse("learnings") + "?q=lesson")
    grow(2, 10)
    large = _count(client, reverse("learnings") + "?q=lesson")
    assert small == large
