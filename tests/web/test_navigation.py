"""One navigation: the header is the same on every page — the same links, the same chosen cycle
— and it is read once per request.

The pages are discovered from the URL configuration (as the tenancy walk does), so a new page
is walked without anyone remembering to add it here.
"""

import re
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.accounts import services as invitation_services
from cadence.alignment import services as alignment_services
from cadence.coach import services as coach_services
from cadence.feed import services as feed_services
from cadence.ideas import services as ideas_services
from cadence.integrations import channel_services
from cadence.integrations import services as integration_services
from cadence.integrations import sources as integration_sources
from cadence.kpis import services as kpi_services
from cadence.oneonones import services as one_on_one_services
from cadence.orgs.selectors import company_unit
from cadence.scheduling import subscriber_services
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.test_tenancy import PARAM, _fill, _walk

HEADER = re.compile(r'<header class="site-header">.*?</header>', re.S)
# Routes that change something when opened: following a notification marks it read.
SIDE_EFFECTS = {
    "notifications/<uuid:notification_id>/",
    # A download (a streamed zip, no page), recorded in the audit trail.
    "settings/organization/archive.zip",
}
# The pages a newcomer moves between: the walk must reach each of them with a header.
MAIN_PAGES = {
    "",
    "cycles/",
    "cycles/<uuid:cycle_id>/tree/",
    "cycles/<uuid:cycle_id>/results/",
    "cycles/<cycle_id>/quality/",
    "cycles/<uuid:cycle_id>/review/",
    "approvals/",
    "weekly/",
    "weekly/<uuid:person_id>/<str:week>/",
    "teams/<uuid:unit_id>/weekly/",
    "meeting/",
    "teams/<uuid:unit_id>/meeting/",
    "feed/",
    "learnings/",
    "notifications/",
    "settings/",
    "settings/tokens/",
    "settings/notifications/",
    "settings/coach/",
    "coach/",
    "objectives/<uuid:objective_id>/",
    "units/<uuid:unit_id>/",
    "cycles/<uuid:cycle_id>/wizard/",
    "one-on-ones/",
}


@pytest.fixture
def world(org, admin, team, member, cycle, settings):
    """An organization with a current cycle (Q4 2026) and a later one in planning (Q1 2027),
    chosen in the walk; one of everything in the later one; something waiting for the admin's
    approval and an unread notification, so both badges show."""
    later = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    company = company_unit(org)
    top = f.make_objective(admin, later, company, title="Customers stay", state="approved")
    objective = f.make_objective(member, later, team, title="Onboarding works", parent=top)
    kr = f.make_kr(member, objective, title="Completion from 40% to 70%", start=40, target=70)
    alignment_services.objective_propose(actor=member, objective=objective)
    item = weekly_services.item_create(
        actor=member, person=member, week=date(2026, 11, 16), category="plans", text="A plan"
    )
    category = weekly_services.category_create(actor=admin, name="Lessons", unit=team)
    comment = feed_services.comment_create(
        actor=member, target=objective, text=f"Look @{admin.email}"
    )
    dismissal = coach_services.finding_dismiss(
        actor=member, check_id="obj-kr-count", reason="One is enough", objective=objective
    )
    helpers = f.make_unit(org, "Helpers")
    dependency = alignment_services.dependency_create(
        actor=member, objective=objective, provider=helpers, description="Review the copy"
    )
    subscriber = subscriber_services.subscriber_add(
        actor=admin, email="board@example.test", what="company_summary"
    )
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the webhook's address (never called here)
    webhook, _ = integration_services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/hook", events=["cycle.closed"]
    )
    channel = channel_services.channel_create(
        actor=admin,
        unit=team,
        kind="slack",
        url="http://127.0.0.1:9/channel",
        messages=["digest"],
        label="#team",
    )
    source = integration_sources.data_source_set(
        actor=admin, key_result=kr, kind="http_json", url="http://127.0.0.1:9/metrics.json"
    )
    kpi = kpi_services.kpi_create(actor=admin, unit=team, name="Uptime", band_min=99.5)
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=98.0, at=date(2026, 11, 16))
    # Its values come from a data source too (its page and the KPI's show it).
    integration_sources.data_source_set(
        actor=admin, kpi=kpi, kind="csv", url="http://127.0.0.1:9/uptime.csv", cell="Uptime"
    )
    ideas_round = ideas_services.ideas_round_open(
        actor=admin,
        unit=team,
        cycle=later,
        opens_on=date(2026, 11, 23),
        closes_on=date(2026, 11, 29),
    )
    idea = ideas_services.idea_add(
        actor=member, prompt=ideas_round.prompts.first(), title="Demo every Friday"
    )
    # A 1:1 of the team's lead and its member (only they read it: the admin's walk gets 404s).
    one_on_one_lead = f.make_person(org, name="Lou Lead")
    f.join(team, one_on_one_lead, role="lead")
    one_on_one = one_on_one_services.pair_create(
        actor=one_on_one_lead, member=member, frequency="weekly", weekday=1, at=time(10, 0)
    )
    one_on_one_item = one_on_one_services.action_item_add(
        actor=one_on_one_lead, pair=one_on_one, owner="member", text="Read the guide"
    )
    one_on_one_note = one_on_one_services.note_add(actor=member, pair=one_on_one, text="Went well")
    return {
        "ideas_round": ideas_round,
        "idea": idea,
        "one_on_one": one_on_one,
        "one_on_one_meeting": one_on_one_item.raised_in,
        "one_on_one_note": one_on_one_note,
        "one_on_one_action_item": one_on_one_item,
        "webhook": webhook,
        "channel": channel,
        "source": source,
        "kpi": kpi,
        "subscriber": subscriber,
        "current": cycle,
        "later": later,
        "cycle": later,
        "unit": team,
        "objective": objective,
        "key_result": kr,
        "person": member,
        "weekly_item": item,
        "weekly_category": category,
        "comment": comment,
        "notification": comment.notifications.get(),
        "dismissal": dismissal,
        "dependency": dependency,
        "invitation": invitation_services.invitation_create(
            actor=admin, organization=org, email="invitee@example.test"
        ),
    }


def _routes():
    routes = sorted({r for r in _walk(_resolver_patterns())})
    # Signing in and its steps (allauth's accounts/ pages, the invitation's, the first run's
    # setup) are not pages of the app.
    skip = ("api/", "static", "login/", "logout/", "accounts/", "invitations/", "setup/")
    return [r for r in routes if not r.startswith(skip)]


def _resolver_patterns():
    from django.urls import get_resolver

    return get_resolver().url_patterns


def _path(route: str, objects: dict) -> str:
    if not PARAM.search(route):
        return "/" + route
    path = _fill(route, objects)
    # A month of the chosen cycle (the tenancy walk's 2026-11 is not in Q1 2027).
    return path.replace("/2026-11/", "/2027-01/")


def _header(html: str) -> str:
    """The header as a reader sees it, less what differs by design from page to page: which
    link is the current page, where the cycle switch submits, the masked CSRF token."""
    header = HEADER.search(html).group(0)
    header = header.replace(' aria-current="page"', "")
    header = re.sub(r'(<form class="cycle-switch" method="get" action=")[^"]*"', r'\1"', header)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', header)


def _walk_headers(client, world, query: str) -> dict[str, str]:
    headers = {}
    for route in _routes():
        if route in SIDE_EFFECTS:
            continue
        path = _path(route, world)
        response = client.get(path + query, follow=True)
        html = response.content.decode(errors="replace")
        if response.status_code == 200 and '<header class="site-header">' in html:
            headers[route] = _header(html)
    return headers


def test_the_header_is_the_same_on_every_page(client, admin, world):
    later = world["later"]
    client.force_login(admin)
    headers = _walk_headers(client, world, f"?cycle={later.id}")
    missing = MAIN_PAGES - headers.keys()
    assert not missing, f"the walk reached no header on {sorted(missing)}"
    expected = headers[""]
    different = sorted(route for route, header in headers.items() if header != expected)
    assert not different, f"another header on {different}"
    # That header keeps the chosen cycle: selected in the switch, in every link.
    assert f'<option value="{later.id}" selected>' in expected
    assert expected.count(" selected>") == 1
    for name in ("cycle_tree", "cycle_results", "cycle_quality"):
        assert f'href="{reverse(name, args=[later.id])}"' in expected, name
    for name in ("dashboard", "cycles", "approvals", "weekly_mine", "my_meeting", "feed"):
        assert f'href="{reverse(name)}?cycle={later.id}"' in expected, name
    for name in ("learnings", "settings", "notifications"):
        assert f'href="{reverse(name)}?cycle={later.id}"' in expected, name
    # KPIs belong to no cycle: their link keeps none.
    assert f'href="{reverse("kpis")}"' in expected
    assert f'href="{reverse("ideas_rounds")}"' in expected  # nor do ideas rounds (all cycles)
    links = re.findall(r'<li><a href="[^"]*">([^<]+)', expected)
    assert links == [
        "Dashboard",
        "Alignment",
        "Cycles",
        "Results",
        "KPIs",
        "Approvals ",
        "Weekly",
        "Team meeting",
        "1:1s",
        "Feed",
        "Learnings",
        "Ideas",
        "Quality",
        "Settings",
    ]
    # Both badges, with their words for screen readers.
    assert '<span class="visually-hidden"> waiting</span>' in expected
    assert '<span class="visually-hidden"> unread</span>' in expected


def test_without_a_choice_every_page_shows_the_current_cycle(client, member, world):
    """A member who never chose a cycle: the current one everywhere (and an objective's page,
    whose own cycle it is, shows the later one)."""
    current, later = world["current"], world["later"]
    client.force_login(member)
    headers = {}
    for route in sorted(MAIN_PAGES):
        if "<" in route and "cycle_id" not in route and "objective_id" not in route:
            path = _path(route, world)
        elif "<" in route:
            continue
        else:
            path = "/" + route
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        headers[route] = _header(response.content.decode())
    assert len(set(headers.values())) == 1, sorted(headers)
    header = headers[""]
    assert f'<option value="{current.id}" selected>' in header
    assert f'href="{reverse("cycle_tree", args=[current.id])}"' in header
    assert ">Approvals" not in header  # nothing waits for her, not even on the approvals page
    # The current cycle is what pages show anyway: the links need not say it.
    assert f'href="{reverse("feed")}">Feed<' in header and "?cycle=" not in header
    page = client.get(reverse("objective_detail", args=[world["objective"].id])).content.decode()
    assert f'<option value="{later.id}" selected>' in _header(page)


def test_the_navigation_reads_once_per_request(client, admin, world):
    """The header's data is three queries (cycles, approvals waiting, unread notifications),
    read once however often the page asks, and none for a fragment without the header."""
    client.force_login(admin)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("feed"))
    sql = [q["sql"] for q in ctx.captured_queries]
    assert sum('FROM "okrs_cycle"' in s for s in sql) == 1
    assert sum('FROM "feed_notification"' in s for s in sql) == 1
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(
            reverse("key_result_check_in", args=[world["key_result"].id]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200 and b"site-header" not in response.content
    assert not any('FROM "feed_notification"' in q["sql"] for q in ctx.captured_queries)


def test_a_foreign_or_unknown_cycle_in_the_query_is_ignored(client, member, outsider, world):
    """?cycle= naming another organization's cycle (or nothing) changes nothing on pages that
    are not about a cycle: the current cycle is shown, nothing of the other organization."""
    foreign = f.make_cycle(outsider, name="Secret cycle")
    client.force_login(member)
    for query in (f"?cycle={foreign.id}", "?cycle=nonsense"):
        response = client.get(reverse("feed") + query)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Secret cycle" not in html
        assert f'<option value="{world["current"].id}" selected>' in html


def test_an_organization_without_cycles_has_the_same_links(client, db):
    org, admin = f.make_org("Empty")
    client.force_login(admin)
    headers = {
        _header(client.get(url).content.decode())
        for url in (reverse("dashboard"), reverse("feed"), reverse("settings"))
    }
    assert len(headers) == 1
    (header,) = headers
    assert 'class="cycle-switch"' not in header  # nothing to switch between
    assert f'href="{reverse("cycles")}">Alignment' in header
    assert f'href="{reverse("cycles")}">Results' in header
    assert f'href="{reverse("coach_guide")}">Quality' in header


def test_the_name_is_the_products_not_the_hosts(client, member, settings):
    settings.ALLOWED_HOSTS = ["okrs.example.com"]
    login = client.get(reverse("login"), HTTP_HOST="okrs.example.com").content.decode()
    assert "<title>Log in · Cadence</title>" in login
    assert "<h1>Log in to Cadence</h1>" in login
    assert "okrs.example.com" not in login
    client.force_login(member)
    page = client.get(reverse("feed"), HTTP_HOST="okrs.example.com").content.decode()
    assert "<title>Feed · Cadence</title>" in page
    settings.SITE_NAME = "Northwind OKRs"
    login = client.get(reverse("settings"), HTTP_HOST="okrs.example.com").content.decode()
    assert "<title>Settings · Northwind OKRs</title>" in login


# Drawn without the site header on purpose: the weekly meeting on a screen (a TV in a meeting
# room shows it), which leads back to the meeting page instead.
WITHOUT_HEADER = {"teams/<uuid:unit_id>/meeting/present/"}


def test_the_meeting_on_a_screen_is_walked_and_leads_back(client, admin, world):
    assert set(_routes()) >= WITHOUT_HEADER
    assert not WITHOUT_HEADER & MAIN_PAGES
    later, team = world["later"], world["unit"]
    client.force_login(admin)
    path = _path("teams/<uuid:unit_id>/meeting/present/", world)
    response = client.get(f"{path}?cycle={later.id}")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<header class="site-header">' not in html
    # The chosen cycle's key results, kept by every slide's link and by the way back.
    assert "Completion from 40% to 70%" in html
    assert f"&amp;cycle={later.id}&amp;slide=2" in html
    back = reverse("team_meeting", args=[team.id])
    assert re.search(rf'href="{back}\?week=\d{{4}}-W\d{{2}}&amp;cycle={later.id}" data-leave', html)
    # And the meeting page leads to it.
    page = client.get(f"{back}?cycle={later.id}").content.decode()
    assert re.search(rf'href="{path}\?week=\d{{4}}-W\d{{2}}&amp;cycle={later.id}"', page)
