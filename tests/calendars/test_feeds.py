"""Calendar feeds end to end: made through the services, fetched without a session, revoked,
regenerated, stopped with their person or team; who may make which feed; the page."""

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from django.urls import reverse
from icalendar import Calendar

from cadence.audit.models import Event
from cadence.calendars import selectors, services
from cadence.calendars.models import CalendarFeed
from cadence.core.errors import PermissionDenied, ValidationError
from cadence.meetings import services as meetings_services
from cadence.meetings.models import MeetingSlot
from cadence.orgs import person_services, unit_services
from cadence.orgs import services as org_services
from cadence.orgs.models import Membership
from tests import factories as f

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


@pytest.fixture
def lead(org, team):
    person = f.make_person(org, name="Lea Lead")
    f.join(team, person, role=Membership.Role.LEAD)
    return person


@pytest.fixture
def rituals(admin, team, lead):
    """Q4 2026 (running at the suite's clock, 23 November 2026) and Q1 2027; the team's update
    is due Thursdays 16:00 in Berlin, its meeting is Mondays 09:30 for 15 minutes."""
    unit_services.unit_rhythm_update(
        actor=lead,
        unit=team,
        checkin_weekday=3,
        checkin_time=time(16, 0),
        time_zone="Europe/Berlin",
    )
    meetings_services.meeting_slot_set(actor=lead, unit=team, weekday=0, at=time(9, 30), minutes=15)
    team.refresh_from_db()
    return (
        f.make_cycle(admin, name="Q4 2026"),
        f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31)),
    )


def fetch(client, secret):
    return client.get(reverse("calendar_feed", args=[secret]))


def parsed(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def event(calendar, key):
    found = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(key + ".")]
    assert len(found) == 1, key
    return found[0]


def expand(e):
    return list(rrulestr(e["RRULE"].to_ical().decode(), dtstart=e.decoded("DTSTART")))


def test_a_person_feed_shows_their_teams_rituals_in_the_teams_time_zone(
    client, member, team, rituals
):
    q4, q1 = rituals
    feed, secret = services.calendar_feed_create(actor=member, person=member)
    assert secret.startswith("cal_") and len(secret) > 40
    assert feed.token_hash != secret and secret not in feed.token_hash  # only the hash is kept
    calendar = parsed(fetch(client, secret))  # no session: the client is signed in as nobody
    deadline = event(calendar, f"deadline-{team.id}")
    moments = expand(deadline)
    # Thursdays 16:00 Berlin from 1 October 2026 to 25 March 2027, across both summer-time
    # changes (25 October 2026, 28 March 2027 just after).
    assert moments[0] == datetime(2026, 10, 1, 16, 0, tzinfo=BERLIN)
    assert moments[-1] == datetime(2027, 3, 25, 16, 0, tzinfo=BERLIN)
    assert {m.astimezone(UTC).hour for m in moments if m.date() < date(2026, 10, 25)} == {14}
    assert {m.astimezone(UTC).hour for m in moments if m.date() > date(2026, 10, 25)} == {15}
    meeting = event(calendar, f"meeting-{team.id}")
    assert meeting.decoded("DURATION") == timedelta(minutes=15)
    assert {(m.weekday(), m.time()) for m in expand(meeting)} == {(0, time(9, 30))}
    retro = event(calendar, f"retrospective-{q4.id}-{team.id}")
    assert retro.decoded("DTSTART") == date(2026, 12, 18)
    assert event(calendar, f"mid-cycle-{q1.id}").decoded("DTSTART") == date(2027, 2, 12)
    assert event(calendar, f"cycle-end-{q4.id}").decoded("DTSTART") == date(2026, 12, 31)
    assert event(calendar, f"monthly-{q4.id}-2026-11").decoded("DTSTART") == date(2026, 11, 30)
    assert {str(z["TZID"]) for z in calendar.walk("VTIMEZONE")} == {"Europe/Berlin"}
    feed.refresh_from_db()
    assert feed.last_fetched_at is not None  # the page's sign that a calendar subscribed


def test_a_person_in_two_teams_gets_the_deadline_of_their_primary_team_once(
    client, org, member, team, rituals
):
    other = f.make_unit(org, "Zeta")
    f.join(other, member)
    _, secret = services.calendar_feed_create(actor=member, person=member)
    calendar = parsed(fetch(client, secret))
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert [u for u in uids if u.startswith("deadline-")] == [
        f"deadline-{team.id}.person-{member.id}@calendars.cadence"
    ]
    assert any(u.startswith(f"retrospective-{rituals[0].id}-{other.id}") for u in uids)


def test_a_team_feed(client, lead, team, rituals):
    _, secret = services.calendar_feed_create(actor=lead, unit=team)
    calendar = parsed(fetch(client, secret))
    assert str(calendar["X-WR-CALNAME"]) == "Product · OKR rituals"
    assert str(event(calendar, f"meeting-{team.id}")["UID"]).endswith(
        f".team-{team.id}@calendars.cadence"
    )


def test_revoking_stops_the_address_at_once_and_a_new_address_replaces_the_old(
    client, member, rituals
):
    first, old = services.calendar_feed_create(actor=member, person=member)
    second, new = services.calendar_feed_create(actor=member, person=member)
    assert fetch(client, old).status_code == 410
    assert fetch(client, new).status_code == 200
    first.refresh_from_db()
    assert first.revoked_at is not None and first.revoked_by == member
    assert CalendarFeed.objects.filter(person=member, revoked_at__isnull=True).get() == second
    services.calendar_feed_revoke(actor=member, feed=second)
    assert fetch(client, new).status_code == 410
    kinds = list(
        Event.objects.filter(kind__startswith="calendar_feed.")
        .order_by("created_at")
        .values_list("kind", flat=True)
    )
    assert kinds == [
        "calendar_feed.created",
        "calendar_feed.revoked",
        "calendar_feed.created",
        "calendar_feed.revoked",
    ]


def test_unknown_addresses_are_404(client, member, rituals):
    _, secret = services.calendar_feed_create(actor=member, person=member)
    for token in ("cal_" + "x" * 43, secret[:-1], "nothing", "cal_" + "a" * 200):
        assert fetch(client, token).status_code == 404, token


def test_a_deactivated_persons_feed_stops(client, admin, member, rituals):
    _, secret = services.calendar_feed_create(actor=member, person=member)
    assert fetch(client, secret).status_code == 200
    person_services.person_deactivate(actor=admin, person=member)
    assert fetch(client, secret).status_code == 404


def test_a_team_feed_stops_when_the_team_is_archived_or_its_maker_leaves(
    client, admin, lead, org, team, rituals
):
    _, secret = services.calendar_feed_create(actor=lead, unit=team)
    person_services.person_deactivate(actor=admin, person=lead)
    assert fetch(client, secret).status_code == 404
    _, secret = services.calendar_feed_create(actor=admin, unit=team)
    assert fetch(client, secret).status_code == 200
    unit_services.unit_archive(actor=admin, unit=team)
    assert fetch(client, secret).status_code == 404


def test_who_may_make_and_revoke_which_feed(org, admin, lead, member, team, viewer, outsider):
    other_team = f.make_unit(org, "Other team")
    # Everyone makes their own, viewers too; nobody makes someone else's.
    services.calendar_feed_create(actor=viewer, person=viewer)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=admin, person=member)
    # A team's: its leads (and leads above it) and admins; not its members, not other leads.
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=member, unit=team)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=lead, unit=other_team)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_create(actor=outsider, unit=team)
    feed, _ = services.calendar_feed_create(actor=lead, unit=team)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_revoke(actor=member, feed=feed)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_revoke(actor=outsider, feed=feed)
    services.calendar_feed_create(actor=admin, unit=other_team)
    services.calendar_feed_revoke(actor=admin, feed=feed)
    # Departments and the company have no feed of their own.
    with pytest.raises(ValidationError):
        services.calendar_feed_create(actor=admin, unit=team.parent)
    mine, _ = services.calendar_feed_create(actor=member, person=member)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_revoke(actor=lead, feed=mine)
    services.calendar_feed_revoke(actor=admin, feed=mine)  # an admin may stop anyone's


def test_the_page_shows_a_new_address_once(client, member):
    client.force_login(member)
    page = client.get(reverse("calendar_feeds"))
    assert page.status_code == 200
    assert "Make my calendar feed" in page.content.decode()
    assert "Google Calendar" in page.content.decode()
    made = client.post(reverse("calendar_my_feed"))
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    feed = selectors.person_feed_of(member)
    body = made.content.decode()
    start = body.index('value="http://testserver/calendars/cal_')
    address = body[start + len('value="') : body.index('"', start + len('value="'))]
    assert address.endswith(".ics")
    assert f"webcal://testserver/calendars/{address.split('/calendars/')[1]}" in body
    assert "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Ftestserver" in body
    assert selectors.feed_for_secret(address.split("/calendars/")[1][:-4]) == feed
    again = client.get(reverse("calendar_feeds")).content.decode()
    assert address not in again and feed.prefix in again
    assert client.post(reverse("calendar_my_feed_revoke")).status_code == 302
    assert selectors.person_feed_of(member) is None


def test_leads_see_their_teams_and_set_the_meeting(client, lead, member, team, org):
    client.force_login(lead)
    page = client.get(reverse("calendar_feeds")).content.decode()
    assert f'id="team-{team.id}"' in page
    made = client.post(reverse("calendar_team_feed", args=[team.id]))
    assert made.status_code == 200 and "feed-address" in made.content.decode()
    assert selectors.team_feed_of(org, team) is not None
    url = reverse("calendar_team_meeting", args=[team.id])
    prefix = f"slot-{team.id}-"
    bad = client.post(url, {prefix + "weekday": "2", prefix + "at": "", prefix + "minutes": "20"})
    assert bad.status_code == 422
    assert "Give the time the meeting starts." in bad.content.decode()
    saved = client.post(
        url, {prefix + "weekday": "2", prefix + "at": "11:00", prefix + "minutes": "20"}
    )
    assert saved.status_code == 302
    assert (team.meeting_slot.weekday, team.meeting_slot.at) == (2, time(11, 0))
    assert Event.objects.filter(kind="unit.meeting_slot_changed").count() == 1
    meeting_page = client.get(reverse("team_meeting", args=[team.id])).content.decode()
    assert "Wednesdays 11:00, 20 minutes (UTC)" in meeting_page
    cleared = client.post(url, {prefix + "weekday": "", prefix + "at": "", prefix + "minutes": ""})
    assert cleared.status_code == 302
    assert not MeetingSlot.objects.filter(unit=team).exists()
    assert client.post(reverse("calendar_team_feed_revoke", args=[team.id])).status_code == 302
    assert selectors.team_feed_of(org, team) is None
    # A member sees no team section and may change nothing of the team's.
    client.force_login(member)
    assert f'id="team-{team.id}"' not in client.get(reverse("calendar_feeds")).content.decode()
    assert client.post(reverse("calendar_team_feed", args=[team.id])).status_code == 403
    assert client.post(url, {prefix + "weekday": "1", prefix + "at": "10:00"}).status_code == 403


def test_another_organizations_team_is_404(client, outsider, lead, team):
    feed, secret = services.calendar_feed_create(actor=lead, unit=team)
    client.force_login(outsider)
    for name in ("calendar_team_feed", "calendar_team_feed_revoke", "calendar_team_meeting"):
        assert client.post(reverse(name, args=[team.id])).status_code == 404, name
    feed.refresh_from_db()
    assert feed.revoked_at is None
    assert f"team-{team.id}" not in client.get(reverse("calendar_feeds")).content.decode()


def test_the_feed_needs_no_session_and_sets_no_cookie(client, member, rituals):
    _, secret = services.calendar_feed_create(actor=member, person=member)
    response = fetch(client, secret)
    assert response.status_code == 200
    assert not response.cookies
    assert response["Content-Disposition"] == 'inline; filename="cadence.ics"'
    assert client.head(reverse("calendar_feed", args=[secret])).status_code == 200
    assert client.post(reverse("calendar_feed", args=[secret])).status_code == 405


def test_someone_in_no_team_follows_the_company_rhythm_and_viewers_have_no_deadline(
    client, org, admin, viewer, rituals
):
    company = org.units.get(kind="company")
    unit_services.unit_rhythm_update(
        actor=admin,
        unit=company,
        checkin_weekday=0,
        checkin_time=time(12, 0),
        time_zone="America/New_York",
    )
    _, secret = services.calendar_feed_create(actor=admin, person=admin)
    calendar = parsed(fetch(client, secret))
    deadline = event(calendar, f"deadline-{company.id}")
    assert deadline["DTSTART"].params["TZID"] == "America/New_York"
    assert {(m.weekday(), m.time()) for m in expand(deadline)} == {(0, time(12, 0))}
    # No team: no meeting and no retrospective; the cycles' dates are there.
    uids = [str(e["UID"]) for e in calendar.walk("VEVENT")]
    assert not [u for u in uids if u.startswith(("meeting-", "retrospective-"))]
    assert any(u.startswith(f"cycle-end-{rituals[0].id}") for u in uids)
    _, secret = services.calendar_feed_create(actor=viewer, person=viewer)
    uids = [str(e["UID"]) for e in parsed(fetch(client, secret)).walk("VEVENT")]
    assert uids and not [u for u in uids if u.startswith("deadline-")]


def test_erasing_a_person_removes_their_feed_and_revokes_the_team_feeds_they_made(
    client, admin, lead, team, rituals
):
    _, mine = services.calendar_feed_create(actor=lead, person=lead)
    team_feed, theirs = services.calendar_feed_create(actor=lead, unit=team)
    person_services.person_deactivate(actor=admin, person=lead)
    person_services.person_erase(actor=admin, person=lead)
    assert not CalendarFeed.objects.filter(person=lead).exists()
    assert fetch(client, mine).status_code == 404
    team_feed.refresh_from_db()
    assert team_feed.revoked_at is not None
    assert fetch(client, theirs).status_code == 410


def test_a_feed_costs_the_same_few_queries_however_many_teams(client, org, admin, lead, rituals):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, secret = services.calendar_feed_create(actor=lead, person=lead)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert fetch(client, secret).status_code == 200
        return len(captured)

    queries()  # the first fetch also notes the fetch (an UPDATE); the next within a minute not
    one = queries()
    for n in range(4):
        team = f.make_unit(org, f"Team {n}")
        f.join(team, lead)
        meetings_services.meeting_slot_set(
            actor=admin, unit=team, weekday=n, at=time(9, 0), minutes=20
        )
    assert queries() == one <= 10


def test_a_feed_stops_while_the_organization_has_calendar_feeds_switched_off(
    client, admin, member, rituals
):
    _, secret = services.calendar_feed_create(actor=member, person=member)
    org_services.organization_integration_switch(
        actor=admin, organization=admin.organization, integration="calendar_feeds", on=False
    )
    assert fetch(client, secret).status_code == 404
    org_services.organization_integration_switch(
        actor=admin, organization=admin.organization, integration="calendar_feeds", on=True
    )
    assert fetch(client, secret).status_code == 200  # the same address works again
