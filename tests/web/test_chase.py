"""The dashboard's "What to chase" against a hand-built organization: each key result, KPI and
person in exactly the right list, for the right people, never across teams or organizations.

The clock is the suite's (tests/clock.py): Monday 23 November 2026, 10:00 UTC, in a cycle from
1 October to 31 December (58% of it behind us)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from cadence.audit.models import Event
from cadence.feed.models import Notification
from cadence.kpis import services as kpi_services
from cadence.mail.models import Delivery
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from cadence.orgs.selectors import Access, UnitTree
from cadence.web.chase import chase_for
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.clock import TEST_NOW


def _at(day: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, 10, tzinfo=UTC)


def _check_ins(actor, kr, points, confidence="at_risk"):
    for when, value in points:
        okr_services.check_in_create(
            actor=actor, key_result=kr, value=value, confidence=confidence, at=when
        )


@pytest.fixture
def world(db):
    org, admin = f.make_org()
    cycle = f.make_cycle(admin, name="Q4 2026")
    product = f.make_unit(org, "Product", kind="department")
    team = f.make_unit(org, "Growth", parent=product)
    other_team = f.make_unit(org, "Platform", parent=product)
    lead = f.make_person(org, name="Lena Lead")
    wrote = f.make_person(org, name="Wanda Wrote")
    silent = f.make_person(org, name="Sam Silent")
    outsider = f.make_person(org, name="Otto Other")
    f.join(team, lead, role="lead")
    f.join(team, wrote)
    f.join(team, silent)
    f.join(other_team, outsider)
    # Made three weeks ago, so that a key result without a check-in since then is stale.
    with time_machine.travel(_at(2), tick=False):
        objective = f.make_objective(admin, cycle, team, title="Sign-ups grow", state="approved")

        def kr(title, **kw):
            kw.setdefault("owner", wrote)
            return f.make_kr(lead, objective, title=title, start=0, target=100, **kw)

        krs = {
            "off": kr("Off track one"),
            "stalled": kr("Stalled one"),
            "stale": kr("Stale one"),
            "over": kr("Says on track, is off track"),
            "under": kr("Says off track, is on pace"),
            "short": kr("Heading short"),
            "fine": kr("Fine one"),
            "unowned": kr("Nobody's", owner=None),
        }
    _check_ins(lead, krs["off"], [(_at(23), 10)])
    _check_ins(lead, krs["stalled"], [(_at(13), 57), (_at(16), 57), (_at(23), 57)])
    _check_ins(lead, krs["stale"], [(_at(2), 58)], confidence="on_track")
    _check_ins(lead, krs["over"], [(_at(23), 10)], confidence="on_track")
    _check_ins(lead, krs["under"], [(_at(23), 80)], confidence="off_track")
    _check_ins(
        lead, krs["short"], [(_at(2), 50), (_at(9), 54), (_at(16), 57), (_at(23), 59)], "on_track"
    )
    _check_ins(lead, krs["fine"], [(_at(23), 70)], confidence="on_track")
    _check_ins(lead, krs["unowned"], [(_at(23), 70)], confidence="on_track")
    # The other team's key result, off track, and another organization's.
    theirs_objective = f.make_objective(admin, cycle, other_team, title="Uptime", state="approved")
    theirs = f.make_kr(admin, theirs_objective, title="Platform off track", owner=outsider)
    _check_ins(admin, theirs, [(_at(23), 5)])
    far_org, far_admin = f.make_org("Far")
    far_cycle = f.make_cycle(far_admin, name="Q4 2026")
    far_team = f.make_unit(far_org, "Growth")
    f.join(far_team, far_admin, role="lead")
    far_objective = f.make_objective(far_admin, far_cycle, far_team, title="Far away")
    far = f.make_kr(far_admin, far_objective, title="Far off track", owner=far_admin)
    _check_ins(far_admin, far, [(_at(23), 5)])
    # KPIs: one unhealthy and one healthy in the team, one unhealthy in the other team.
    sick = kpi_services.kpi_create(actor=lead, unit=team, name="Activation rate", band_min=40)
    well = kpi_services.kpi_create(actor=lead, unit=team, name="Churn", band_max=5)
    elsewhere = kpi_services.kpi_create(actor=admin, unit=other_team, name="Error rate", band_max=1)
    today = TEST_NOW.date()
    kpi_services.kpi_value_add(actor=lead, kpi=sick, value=20, at=today)
    kpi_services.kpi_value_add(actor=lead, kpi=well, value=2, at=today)
    kpi_services.kpi_value_add(actor=admin, kpi=elsewhere, value=3, at=today)
    # Wanda wrote this week's update; Sam did not.
    weekly_services.item_create(
        actor=wrote, person=wrote, week=today, category="plans", text="Ship the new sign-up form"
    )
    return {
        "org": org,
        "admin": admin,
        "cycle": cycle,
        "team": team,
        "lead": lead,
        "wrote": wrote,
        "silent": silent,
        "outsider": outsider,
        "krs": krs,
        "theirs": theirs,
        "far": far,
        "far_admin": far_admin,
        "far_cycle": far_cycle,
    }


def _chase(person, cycle):
    tree = UnitTree.load(person.organization)
    from cadence.okrs import pages
    from cadence.web.views.dashboard import dashboard_kpis

    access = Access(person, tree)
    kpis = dashboard_kpis(person, tree, pages.my_units(tree, access))
    return chase_for(person, cycle, tree, access, kpis=kpis)


def _lists(chase) -> dict[str, set[str]]:
    out = {lst.reason: {i.kr.title for i in lst.items} for lst in chase.key_results}
    if chase.unowned:
        out["unowned"] = {i.kr.title for i in chase.unowned.items}
    if chase.missing:
        out["missing"] = {r.person.name for r in chase.missing.items}
    out["kpis"] = {k.name for k in chase.kpis}
    return out


def test_a_lead_sees_each_item_in_exactly_its_list(world):
    lists = _lists(_chase(world["lead"], world["cycle"]))
    assert lists == {
        "confidence": {"Says on track, is off track", "Says off track, is on pace"},
        "off_track": {"Off track one"},
        "short": {"Heading short"},
        "stale": {"Stale one"},
        "stalled": {"Stalled one"},
        "unowned": {"Nobody's"},
        "missing": {"Sam Silent"},
        "kpis": {"Activation rate"},
    }


def test_the_other_reasons_go_with_the_first(world):
    chase = _chase(world["lead"], world["cycle"])
    confidence = next(lst for lst in chase.key_results if lst.reason == "confidence")
    over = next(i for i in confidence.items if i.kr.title == "Says on track, is off track")
    under = next(i for i in confidence.items if i.kr.title == "Says off track, is on pace")
    assert over.judged.contradiction == "overconfident" and over.other_labels == ["Off track"]
    assert under.judged.contradiction == "underconfident" and under.other_labels == []
    assert over.ask_text.startswith(f"@{world['wrote'].email} you say")


def test_a_member_chases_the_key_results_but_not_the_leads_lists(world):
    lists = _lists(_chase(world["wrote"], world["cycle"]))
    assert "unowned" not in lists and "missing" not in lists
    assert lists["off_track"] == {"Off track one"} and lists["stale"] == {"Stale one"}


def test_a_person_of_another_team_sees_only_their_own(world):
    lists = _lists(_chase(world["outsider"], world["cycle"]))
    assert lists == {"off_track": {"Platform off track"}, "kpis": {"Error rate"}}


def test_another_organization_never(world):
    lists = _lists(_chase(world["far_admin"], world["far_cycle"]))
    assert lists == {"off_track": {"Far off track"}, "kpis": set()}
    mine = _lists(_chase(world["lead"], world["cycle"]))
    assert all("Far off track" not in titles for titles in mine.values())


def test_an_admin_sees_the_company_and_the_units_below_it(world):
    """An admin outside any team chases the company and its direct units (here the Product
    department), not every team of the organization."""
    admin = world["admin"]
    company_objective = f.make_objective(
        admin, world["cycle"], UnitTree.load(world["org"]).root, title="Grow", state="approved"
    )
    top = f.make_kr(admin, company_objective, title="Company off track", owner=admin)
    _check_ins(admin, top, [(_at(23), 1)])
    lists = _lists(_chase(admin, world["cycle"]))
    assert lists["off_track"] == {"Company off track"}
    assert "Off track one" not in str(lists) and "Platform off track" not in str(lists)


def test_nothing_is_chased_once_the_cycle_has_ended_but_owners_still_are(world):
    with time_machine.travel(TEST_NOW + timedelta(days=60), tick=False):
        lists = _lists(_chase(world["lead"], world["cycle"]))
    assert lists.get("unowned") == {"Nobody's"}
    assert not {"confidence", "off_track", "short", "stale", "stalled"} & set(lists)


def test_the_dashboard_shows_the_lists_with_their_actions(client, world):
    client.force_login(world["lead"])
    page = client.get(reverse("dashboard") + f"?cycle={world['cycle'].pk}").content.decode()
    krs = world["krs"]
    assert "What to chase" in page
    for reason, key in [
        ("confidence", "over"),
        ("confidence", "under"),
        ("off_track", "off"),
        ("short", "short"),
        ("stale", "stale"),
        ("stalled", "stalled"),
        ("unowned", "unowned"),
    ]:
        assert f'id="chase-{reason}-{krs[key].pk}"' in page, (reason, key)
    assert f'id="chase-off_track-{krs["over"].pk}"' not in page
    assert f"chase-off_track-{krs['fine'].pk}" not in page
    assert "Fine one" in page  # on its objective's card, not in a chase list
    assert reverse("key_result_check_in", args=[krs["off"].pk]) in page
    assert reverse("key_result_comments", args=[krs["off"].pk]) in page
    assert reverse("key_result_owner", args=[krs["unowned"].pk]) in page
    assert reverse("weekly_nudge", args=[world["team"].pk, world["silent"].pk]) in page
    assert "Platform off track" not in page and "Far off track" not in page
    assert "Unhealthy KPIs" in page and "Activation rate" in page and "Churn" not in page


def test_ask_is_a_mention_on_the_key_result(client, world):
    client.force_login(world["lead"])
    kr = world["krs"]["off"]
    response = client.post(
        reverse("key_result_comments", args=[kr.pk]),
        {"text": f"@{world['wrote'].email} what would help?", "next": reverse("dashboard")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert Notification.objects.filter(person=world["wrote"]).count() == 1
    assert Delivery.objects.filter(person=world["wrote"], kind="mention").count() == 1


def test_reassign_gives_the_key_result_an_owner(client, world):
    client.force_login(world["lead"])
    kr = world["krs"]["unowned"]
    url = reverse("key_result_owner", args=[kr.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"owner": str(world["silent"].pk), "next": reverse("dashboard")})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert KeyResult.objects.get(pk=kr.pk).owner == world["silent"]
    assert Event.objects.filter(kind="key_result.updated", target_id=str(kr.pk)).exists()
    lists = _lists(_chase(world["lead"], world["cycle"]))
    assert "unowned" not in lists


def test_reassign_is_refused_outside_the_unit_and_the_organization(client, world):
    kr = world["krs"]["unowned"]
    client.force_login(world["outsider"])
    url = reverse("key_result_owner", args=[kr.pk])
    assert client.post(url, {"owner": str(world["outsider"].pk)}).status_code == 403
    client.force_login(world["far_admin"])
    assert client.post(url, {"owner": str(world["far_admin"].pk)}).status_code == 404
    client.force_login(world["lead"])
    assert client.post(url, {"owner": str(world["far_admin"].pk)}).status_code == 404
    assert KeyResult.objects.get(pk=kr.pk).owner is None


def test_a_nudge_is_one_queued_email_a_week_and_audited(client, world):
    client.force_login(world["lead"])
    url = reverse("weekly_nudge", args=[world["team"].pk, world["silent"].pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"next": reverse("dashboard")}).status_code == 302
    assert client.post(url, {"next": reverse("dashboard")}).status_code == 302
    deliveries = Delivery.objects.filter(person=world["silent"], kind="reminder")
    assert deliveries.count() == 1
    email = deliveries.get()
    assert email.subject == "Lena Lead asks for your 2026-W48 update for Growth"
    assert (
        Event.objects.filter(kind="weekly_update.nudged", target_id=str(world["silent"].pk)).count()
        == 1
    )
    missing = _chase(world["lead"], world["cycle"]).missing
    assert [(r.person.name, r.nudged) for r in missing.items] == [("Sam Silent", True)]
    page = client.get(reverse("dashboard") + f"?cycle={world['cycle'].pk}").content.decode()
    assert "Asked by email" in page and url not in page


def test_a_nudge_is_refused_to_members_and_for_written_updates(client, world):
    team = world["team"]
    client.force_login(world["wrote"])
    url = reverse("weekly_nudge", args=[team.pk, world["silent"].pk])
    assert client.post(url).status_code == 403
    client.force_login(world["lead"])
    written = reverse("weekly_nudge", args=[team.pk, world["wrote"].pk])
    response = client.post(written, {"next": reverse("dashboard")}, follow=True)
    assert "has written the update for 2026-W48 already" in response.content.decode()
    stranger = reverse("weekly_nudge", args=[team.pk, world["outsider"].pk])
    response = client.post(stranger, {"next": reverse("dashboard")}, follow=True)
    assert "is not an active member of Growth" in response.content.decode()
    client.force_login(world["far_admin"])
    assert client.post(url).status_code == 404
    assert not Delivery.objects.filter(kind="reminder").exists()
    assert not Event.objects.filter(kind="weekly_update.nudged").exists()


def test_a_viewer_chases_nothing_but_still_sees_the_unhealthy_kpis(client, world):
    """Viewers read: no key result, update or owner to chase (they could act on none), and the
    unhealthy KPIs the dashboard showed them before."""
    viewer = f.make_person(world["org"], role="viewer")
    f.join(world["team"], viewer)
    chase = _chase(viewer, world["cycle"])
    assert not chase.scoped and _lists(chase) == {"kpis": {"Activation rate"}}


def test_after_the_deadline_this_weeks_update_is_overdue_not_next_weeks(world):
    """On Saturday the week's update is overdue; next week's is not asked for yet."""
    with time_machine.travel(datetime(2026, 11, 28, 9, tzinfo=UTC), tick=False):
        missing = _chase(world["lead"], world["cycle"]).missing
    assert [(r.person.name, r.week_label, r.overdue) for r in missing.items] == [
        ("Sam Silent", "2026-W48", True)
    ]
    with time_machine.travel(TEST_NOW, tick=False):
        missing = _chase(world["lead"], world["cycle"]).missing
    assert [(r.week_label, r.overdue) for r in missing.items] == [("2026-W48", False)]
