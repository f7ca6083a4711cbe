"""The weekly meeting on a screen: its slides and their order, each slide's address, the notes
saved from it, and who may open it."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.meetings import agenda, services
from cadence.meetings.models import MeetingNote
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from cadence.weekly import services as weekly_services
from tests import factories as f

LABEL = "2026-W48"  # the week of the suite's clock (Monday 23 November 2026)


def present_url(unit, **query):
    query = {"week": LABEL, **query}
    url = reverse("present_meeting", args=[unit.pk])
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def slide_html(html: str, number: int) -> str:
    """The markup of one slide section."""
    start = html.index('<section class="slide ')
    sections = re.split(r'(?=<section class="slide )', html[start:])
    for section in sections:
        if f'id="slide-{number}"' in section.split(">", 1)[0]:
            return section
    raise AssertionError(f"no slide {number}")


def visible(html: str) -> list[int]:
    return [
        int(n)
        for n, rest in re.findall(r'<section class="slide [^"]*" id="slide-(\d+)"([^>]*)>', html)
        if " hidden" not in rest
    ]


@pytest.fixture
def meeting(admin, member, team, cycle):
    """Two objectives of the team (the second abandoned), three key results, check-ins over
    five weeks (enough for a forecast), last week's progress, problems and plans, this week's
    plans."""
    first = f.make_objective(member, cycle, team, title="Onboarding works")
    signups = f.make_kr(
        member, first, title="Completion from 10 to 50", start=10, target=50, owner=member
    )
    tour = f.make_kr(member, first, title="Tour finished by 60% of newcomers", start=0, target=60)
    dropped = f.make_objective(member, cycle, team, title="Launch the forum")
    f.make_kr(member, dropped, title="Forum has 100 posts", start=0, target=100)
    okr_services.objective_set_state(
        actor=member, objective=dropped, state="abandoned", reason="No one asked for it"
    )
    now = timezone.now()
    KeyResult.objects.filter(pk__in=[signups.pk, tour.pk]).update(
        created_at=now - timedelta(days=50)
    )
    for days, value in ((35, 14), (28, 18), (21, 21), (14, 25), (7, 27)):
        okr_services.check_in_create(
            actor=member,
            key_result=signups,
            value=value,
            confidence="on_track",
            at=now - timedelta(days=days),
        )
    okr_services.check_in_create(
        actor=member,
        key_result=signups,
        value=33,
        confidence="at_risk",
        note="The new welcome email helped",
    )
    this_week = timezone.localdate()
    last_week = this_week - timedelta(days=7)
    for week, category, text in (
        (last_week, "progress", "Shipped the tour"),
        (last_week, "problems", "Staging was down"),
        (last_week, "plans", "Last week's plan"),
        (this_week, "plans", "Interview 3 users"),
    ):
        weekly_services.item_create(
            actor=member, person=member, week=week, category=category, text=text
        )
    return first, signups, tour


def test_the_slides_go_through_the_meeting_in_order(client, member, team, meeting):
    first, signups, tour = meeting
    client.force_login(member)
    response = client.get(present_url(team))
    assert response.status_code == 200
    slides = response.context["slides"]
    # Where we stand, one slide per key result still pursued (not the abandoned objective's),
    # what we learned last week, then the plans.
    assert [(s.number, s.kind) for s in slides] == [
        (1, "overview"),
        (2, "key_result"),
        (3, "key_result"),
        (4, "learned"),
        (5, "plans"),
    ]
    assert [s.kr.id for s in slides if s.kr] == [signups.id, tour.id]
    html = response.content.decode()
    assert visible(html) == [1]  # without ?slide=, the first
    overview = slide_html(html, 1)
    assert "Completion from 10 to 50" in overview and "Tour finished" in overview
    assert "Launch the forum" in overview and "Abandoned" in overview
    # A key result: its chart, progress, confidence, change since last week and forecast.
    kr = slide_html(html, 2)
    assert "Key result 1 of 2 · Onboarding works" in kr
    assert '<h2 class="slide__title" id="slide-2-title">Completion from 10 to 50</h2>' in kr
    assert 'class="chart__svg"' in kr and 'class="chart__forecast' in kr
    assert '<dt>Confidence</dt><dd><span class="status status--at_risk">At risk</span>' in kr
    assert "<dt>Since last week</dt>" in kr and "+15 pts" in kr
    assert "<dt>Forecast</dt>" in kr and "On course to reach" in kr
    assert "The new welcome email helped" in kr
    assert "No forecast yet" in slide_html(html, 3)
    learned = slide_html(html, 4)
    assert "Staging was down" in learned and "Shipped the tour" in learned
    assert "Last week's plan" not in html
    plans = slide_html(html, 5)
    assert "Interview 3 users" in plans and member.name in plans
    # The timer runs the method's 15 minutes when the team has set no meeting slot.
    assert 'data-timer-minutes="15"' in html


def test_each_slide_has_its_address_and_links(client, member, team, meeting):
    client.force_login(member)
    base = f"{reverse('present_meeting', args=[team.pk])}?week={LABEL}&amp;slide="
    html = client.get(present_url(team, slide=3)).content.decode()
    assert visible(html) == [3]
    assert f'rel="prev" data-step="-1" href="{base}2"' in html
    assert f'rel="next" data-step="1" href="{base}4"' in html
    assert f'href="{base}3" data-goto="3" aria-current="step"' in html
    first = client.get(present_url(team, slide=1)).content.decode()
    assert 'rel="prev" data-step="-1" aria-disabled="true"' in first
    # Past the end is the last slide, nonsense the first: never an error.
    last = client.get(present_url(team, slide=99)).content.decode()
    assert visible(last) == [5] and 'rel="next" data-step="1" aria-disabled="true"' in last
    for bad in ("0", "-3", "two", "9" * 5000):
        assert visible(client.get(present_url(team, slide=bad)).content.decode()) == [1]
    # The meeting page leads here, and the presentation back to it.
    page = client.get(reverse("team_meeting", args=[team.pk])).content.decode()
    assert f'href="{reverse("present_meeting", args=[team.pk])}?week={LABEL}"' in page
    assert f'href="{reverse("team_meeting", args=[team.pk])}?week={LABEL}" data-leave' in html


def test_kpis_get_a_slide_when_the_team_keeps_some(client, admin, member, team, meeting):
    from cadence.kpis import services as kpi_services

    kpi = kpi_services.kpi_create(actor=admin, unit=team, name="Uptime", band_min=99.5)
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=98.0, at=timezone.localdate())
    client.force_login(member)
    response = client.get(present_url(team))
    kinds = [s.kind for s in response.context["slides"]]
    assert kinds == ["overview", "key_result", "key_result", "kpis", "learned", "plans"]
    kpis = slide_html(response.content.decode(), 4)
    assert "Uptime" in kpis and "Unhealthy" in kpis


def test_without_a_cycle_or_okrs_the_meeting_still_runs(client, member, team):
    client.force_login(member)
    response = client.get(present_url(team))
    assert response.status_code == 200
    assert [s.kind for s in response.context["slides"]] == ["overview", "learned", "plans"]
    html = response.content.decode()
    assert "There is no cycle yet." in html
    assert "No progress, problems or lessons were written down in 2026-W47." in html


def test_the_timer_runs_the_teams_meeting_length(client, admin, member, team):
    from datetime import time

    services.meeting_slot_set(actor=admin, unit=team, weekday=1, at=time(10), minutes=20)
    client.force_login(member)
    assert 'data-timer-minutes="20"' in client.get(present_url(team)).content.decode()


def test_notes_typed_during_it_are_saved_to_the_meeting(client, member, team, meeting):
    client.force_login(member)
    url = present_url(team, slide=2)
    saved = client.post(url, {"text": "Ask Mia about the email"}, HTTP_ACCEPT="application/json")
    assert saved.status_code == 200
    answer = json.loads(saved.content)
    assert answer["saved"] is True and answer["message"].startswith("Notes saved at ")
    note = MeetingNote.objects.get()
    assert note.text == "Ask Mia about the email" and note.author == member
    assert note.week == timezone.localdate()  # the Monday of 2026-W48
    # Typed on, from another slide: the same note, replaced.
    client.post(
        present_url(team, slide=4),
        {"text": "Ask Mia about the email\nStaging: Leo"},
        HTTP_ACCEPT="application/json",
    )
    assert MeetingNote.objects.get().text == "Ask Mia about the email\nStaging: Leo"
    # Empty notes are refused with the reason, and the saved ones stay.
    empty = client.post(url, {"text": "  "}, HTTP_ACCEPT="application/json")
    assert empty.status_code == 422
    assert json.loads(empty.content) == {
        "saved": False,
        "message": "Write the notes of the meeting.",
    }
    too_long = client.post(url, {"text": "x" * 10_001}, HTTP_ACCEPT="application/json")
    assert too_long.status_code == 422 and "10,000 characters" in too_long.content.decode()
    assert MeetingNote.objects.get().text.endswith("Staging: Leo")
    # The page shows them, on the presentation and on the meeting page.
    html = client.get(present_url(team)).content.decode()
    assert "Staging: Leo</textarea>" in html
    page = client.get(reverse("team_meeting", args=[team.pk])).content.decode()
    assert "Staging: Leo" in page


def test_notes_saved_without_javascript_come_back_to_the_slide(client, member, team, meeting):
    client.force_login(member)
    response = client.post(present_url(team, slide=3), {"text": "Decided to try"})
    assert response.status_code == 302
    assert response["Location"] == present_url(team, slide=3) + "#notes"
    html = client.get(response["Location"]).content.decode()
    assert visible(html) == [3]
    assert "Meeting notes of 2026-W48 saved." in html and "Decided to try</textarea>" in html
    refused = client.post(present_url(team, slide=3), {"text": ""})
    assert (
        refused.status_code == 422 and "Write the notes of the meeting." in refused.content.decode()
    )
    assert visible(refused.content.decode()) == [3]


def test_readers_see_the_notes_and_cannot_write_them(client, org, member, viewer, team, meeting):
    services.meeting_note_save(
        actor=member, unit=team, week=timezone.localdate(), text="Shared notes"
    )
    other_team_member = f.make_person(org, name="Otto Other")
    f.join(f.make_unit(org, "Design"), other_team_member)
    for reader in (viewer, other_team_member):
        client.force_login(reader)
        response = client.get(present_url(team))
        html = response.content.decode()
        assert response.status_code == 200  # like the meeting page, any team's is open to read
        assert "Shared notes" in html and "<textarea" not in html
        post = client.post(present_url(team), {"text": "Hijack"}, HTTP_ACCEPT="application/json")
        assert post.status_code == 403
    assert MeetingNote.objects.get().text == "Shared notes"


def test_another_organizations_team_is_404(client, outsider, team, meeting):
    client.force_login(outsider)
    assert client.get(present_url(team)).status_code == 404
    post = client.post(present_url(team), {"text": "x"}, HTTP_ACCEPT="application/json")
    assert post.status_code == 404
    assert not MeetingNote.objects.exists()
    # Its own team's presentation is there; an unknown team and a bad week are 404 too.
    client.force_login(outsider)
    other_team = f.make_unit(outsider.organization, "Theirs")
    assert client.get(present_url(other_team)).status_code == 200
    unknown = reverse("present_meeting", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(unknown).status_code == 404
    assert client.get(present_url(other_team, week="2026-W00")).status_code == 404


def test_signed_out_goes_to_log_in(client, team):
    response = client.get(present_url(team))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_presentations_queries_do_not_grow(client, member, team, cycle):
    client.force_login(member)
    org = member.organization

    def grow(start, n):
        for i in range(start, start + n):
            person = f.make_person(org, name=f"P{i:03d}")
            f.join(team, person)
            objective = f.make_objective(member, cycle, team, title=f"Objective {i}")
            kr = f.make_kr(member, objective, title=f"KR {i}")
            okr_services.check_in_create(
                actor=member, key_result=kr, value=5, confidence="on_track"
            )
            weekly_services.item_create(
                actor=person,
                person=person,
                week=timezone.localdate(),
                category="plans",
                text=f"Plan {i}",
            )

    grow(0, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(present_url(team)).status_code == 200
    grow(2, 10)
    with CaptureQueriesContext(connection) as large:
        response = client.get(present_url(team))
    assert "KR 11" in response.content.decode() and "Plan 11" in response.content.decode()
    assert len(large) == len(small), f"{len(small)} queries at 2, {len(large)} at 12"


# The pure parts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, 1), ("", 1), ("1", 1), ("4", 4), ("5", 5), ("6", 5), ("0", 1), ("-2", 1), ("x", 1)],
)
def test_slide_number_is_kept_in_range(raw, expected):
    assert agenda.slide_number(raw, 5) == expected
