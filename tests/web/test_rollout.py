"""The rollout in the pages: Settings → Rollout (admins change, everyone reads, hand ticks), the
dashboard's progress, and who is counted missing in the team report, the API's report and the
dashboard's "What to chase" — people outside the rollout never are, nor may they be nudged.

The clock is the suite's: Monday 23 November 2026 (week 2026-W48)."""

from datetime import date

import pytest
from django.urls import reverse

from cadence.audit.models import Event
from cadence.integrations import channel_selectors
from cadence.mail.models import Delivery
from cadence.onboarding import services as onboarding_services
from cadence.onboarding.models import RolloutTick
from cadence.orgs.models import Organization, Person
from cadence.orgs.selectors import Access, UnitTree
from cadence.web.chase import chase_for
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db

WEEK = date(2026, 11, 23)


@pytest.fixture
def world(org_admin):
    org, admin = org_admin
    cycle = f.make_cycle(admin, name="Q4 2026")
    growth = f.make_unit(org, "Growth")
    platform = f.make_unit(org, "Platform")
    lena, sam, wanda, otto = (
        f.make_person(org, name=n) for n in ("Lena Lead", "Sam Silent", "Wanda Wrote", "Otto Other")
    )
    f.join(growth, lena, role="lead")
    f.join(growth, sam)
    f.join(growth, wanda)
    f.join(platform, otto)
    weekly_services.item_create(
        actor=wanda, person=wanda, week=WEEK, category="plans", text="Ship the welcome email"
    )
    return {
        "org": org,
        "admin": admin,
        "cycle": cycle,
        "growth": growth,
        "platform": platform,
        "lena": lena,
        "sam": sam,
        "wanda": wanda,
        "otto": otto,
    }


def fresh(person):
    return Person.objects.select_related("organization").get(pk=person.pk)


def missing_in_chase(world, who="admin"):
    person = fresh(world[who])
    tree = UnitTree.load(person.organization)
    chase = chase_for(person, world["cycle"], tree, Access(person, tree))
    return sorted(r.person.name for r in chase.missing.items) if chase.missing else []


def missing_in_report(world, unit="growth"):
    org = Organization.objects.get(pk=world["org"].pk)
    report = weekly_selectors.report_for(org, world[unit], WEEK, viewer=f.ALL)
    return sorted(p.name for p in report.missing), len(report.expected)


MODES = [
    # mode, pilots, chase (admin), Growth's report (missing, expected), company's report
    ("everyone", [], ["Lena Lead", "Otto Other", "Sam Silent"], (["Lena Lead", "Sam Silent"], 3)),
    ("leads", [], ["Lena Lead"], (["Lena Lead"], 1)),
    ("pilot", ["growth"], ["Lena Lead", "Sam Silent"], (["Lena Lead", "Sam Silent"], 3)),
    ("pilot", ["platform"], ["Otto Other"], ([], 0)),
]


@pytest.mark.parametrize(("mode", "pilots", "chased", "report"), MODES)
def test_who_is_counted_missing(world, mode, pilots, chased, report):
    f.set_rollout(world["org"], mode, [world[p] for p in pilots])
    assert missing_in_chase(world) == chased
    assert missing_in_report(world) == report


@pytest.mark.parametrize(("mode", "pilots", "chased", "report"), MODES)
def test_the_company_report_counts_the_same_people(world, mode, pilots, chased, report):
    from cadence.orgs.selectors import company_unit

    f.set_rollout(world["org"], mode, [world[p] for p in pilots])
    org = Organization.objects.get(pk=world["org"].pk)
    whole = weekly_selectors.report_for(org, company_unit(org), WEEK, viewer=f.ALL)
    assert sorted(p.name for p in whole.missing) == chased
    growth = next(t for t in whole.teams if t.unit == world["growth"])
    assert sorted(p.name for p in growth.missing) == report[0]


def test_the_team_report_page_says_who_is_outside(client, world):
    f.set_rollout(world["org"], "leads")
    client.force_login(world["lena"])
    page = client.get(reverse("team_report", args=[world["growth"].pk]) + "?week=2026-W48")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 people are outside the" in html
    assert "outside the rollout</span>" in html
    assert '<strong>1</strong> <span class="muted">of 1</span>' in html


def test_the_api_report_lists_only_the_missing_in_the_rollout(world):
    f.set_rollout(world["org"], "pilot", [world["platform"]])
    api = Api(world["lena"])
    body = api.get(f"/teams/{world['growth'].pk}/report?week=2026-W48").json()
    assert body["missing"] == []
    f.set_rollout(world["org"], "everyone")
    body = api.get(f"/teams/{world['growth'].pk}/report?week=2026-W48").json()
    assert sorted(body["missing"]) == sorted([str(world["lena"].pk), str(world["sam"].pk)])


def test_a_lead_may_not_nudge_someone_outside_the_rollout(client, world):
    sven = f.make_person(world["org"], name="Sven Side")
    f.join(world["growth"], sven)
    f.set_rollout(world["org"], "pilot", [world["growth"]])
    f.join(world["platform"], world["lena"], role="lead")
    client.force_login(world["lena"])
    url = reverse("weekly_nudge", args=[world["platform"].pk, world["otto"].pk])
    response = client.post(url, {"next": reverse("dashboard")}, follow=True)
    assert "outside the organization" in response.content.decode()
    assert not Delivery.objects.filter(kind="reminder").exists()
    # In the rollout: the nudge goes.
    ok = reverse("weekly_nudge", args=[world["growth"].pk, sven.pk])
    client.post(ok, {"next": reverse("dashboard")})
    assert Delivery.objects.filter(kind="reminder", person=sven).count() == 1


@pytest.mark.parametrize(
    ("mode", "pilots", "expected"),
    [
        ("everyone", [], ["Lena Lead", "Sam Silent", "Wanda Wrote"]),
        ("leads", [], ["Lena Lead"]),
        ("pilot", ["platform"], []),
    ],
)
def test_the_team_channels_reminder_names_the_people_in_the_rollout(world, mode, pilots, expected):
    f.set_rollout(world["org"], mode, [world[p] for p in pilots])
    facts = channel_selectors.reminder_facts(world["growth"], WEEK)
    assert [p.name for p in facts.expected] == expected


# Settings → Rollout ----------------------------------------------------------------------------


def test_everyone_reads_the_page_and_only_admins_see_the_controls(client, world):
    client.force_login(world["sam"])
    page = client.get(reverse("rollout"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Decide the levels" in html and "Admins change these" in html
    assert "Mark done" not in html
    client.force_login(world["admin"])
    html = client.get(reverse("rollout")).content.decode()
    assert "Mark done" in html and 'value="pilot"' in html


def test_an_admin_chooses_the_pilot_on_the_page(client, world):
    client.force_login(world["admin"])
    response = client.post(
        reverse("rollout"), {"mode": "pilot", "pilot_unit_ids": [str(world["growth"].pk)]}
    )
    assert response.status_code == 302
    org = Organization.objects.get(pk=world["org"].pk)
    assert org.rollout_mode == "pilot"
    assert Event.objects.filter(kind="organization.rollout_changed").count() == 1
    html = client.get(reverse("rollout")).content.decode()
    assert "Pilot units</strong> — Growth." in html


def test_bad_input_on_the_page_is_422_and_saves_nothing(client, world):
    client.force_login(world["admin"])
    response = client.post(reverse("rollout"), {"mode": "pilot"})
    assert response.status_code == 422
    assert "Choose at least one pilot unit." in response.content.decode()
    response = client.post(reverse("rollout"), {"mode": "pilot", "pilot_unit_ids": ["nope"]})
    assert response.status_code == 422
    assert Organization.objects.get(pk=world["org"].pk).rollout_mode == "everyone"


def test_members_may_not_change_or_tick(client, world):
    client.force_login(world["lena"])
    assert client.post(reverse("rollout"), {"mode": "leads"}).status_code == 403
    response = client.post(reverse("rollout_tick"), {"step": "learn", "done": "1"})
    assert response.status_code == 403
    assert not RolloutTick.objects.exists()
    assert Organization.objects.get(pk=world["org"].pk).rollout_mode == "everyone"


def test_ticking_is_post_only_and_ticks_by_hand(client, world):
    client.force_login(world["admin"])
    assert client.get(reverse("rollout_tick")).status_code == 405
    response = client.post(reverse("rollout_tick"), {"step": "learn", "done": "1"}, follow=True)
    html = response.content.decode()
    assert f"Ticked by {world['admin'].name}" in html
    client.post(reverse("rollout_tick"), {"step": "learn", "done": "0"})
    assert not RolloutTick.objects.exists()
    response = client.post(reverse("rollout_tick"), {"step": "levels", "done": "1"}, follow=True)
    assert "Cadence ticks this step itself" in response.content.decode()
    assert not RolloutTick.objects.exists()


def test_the_settings_index_links_the_page(client, world):
    client.force_login(world["sam"])
    assert reverse("rollout") in client.get(reverse("settings")).content.decode()


def test_the_admins_dashboard_shows_the_progress_once_setup_is_out_of_the_way(client, world):
    client.force_login(world["admin"])
    html = client.get(reverse("dashboard")).content.decode()
    assert "Set up your organization" in html and "rollout-progress" not in html
    onboarding_services.checklist_dismiss(actor=world["admin"])
    html = client.get(reverse("dashboard")).content.decode()
    assert "Rollout: 1 of 8 steps done" in html
    assert "Next: Learn the method." in html
    client.force_login(world["lena"])
    assert "rollout-progress" not in client.get(reverse("dashboard")).content.decode()
