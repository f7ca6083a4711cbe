"""The weekly OKR check-in meeting page and its notes."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadence.core.errors import PermissionDenied, ValidationError
from cadence.meetings import selectors, services
from cadence.meetings.models import MeetingNote
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from cadence.weekly import services as weekly_services
from tests import factories as f

LABEL = "2026-W47"
WEEK = date(2026, 11, 16)


def meeting_url(unit, week=LABEL):
    return reverse("team_meeting", args=[unit.pk]) + (f"?week={week}" if week else "")


@pytest.fixture
def running_cycle(admin):
    today = timezone.localdate()
    return f.make_cycle(
        admin, name="Now", start=today - timedelta(days=45), end=today + timedelta(days=45)
    )


@pytest.fixture
def okrs(member, team, running_cycle):
    objective = f.make_objective(member, running_cycle, team, title="Onboarding works")
    kr = f.make_kr(
        member, objective, title="Completion from 10 to 50", start=10, target=50, owner=member
    )
    return objective, kr


# Services -------------------------------------------------------------------------------


def test_note_save_creates_then_replaces(member, team):
    note = services.meeting_note_save(actor=member, unit=team, week=WEEK, text="Decided X")
    again = services.meeting_note_save(
        actor=member, unit=team, week=WEEK + timedelta(days=3), text="Decided Y"
    )
    assert again.pk == note.pk and again.text == "Decided Y"
    assert MeetingNote.objects.count() == 1
    assert selectors.note_of(member.organization, team, WEEK).text == "Decided Y"


def test_note_validation_saves_nothing(member, team):
    for text in ("", "   ", "x" * 10_001):
        with pytest.raises(ValidationError):
            services.meeting_note_save(actor=member, unit=team, week=WEEK, text=text)
    assert not MeetingNote.objects.exists()


def test_note_permissions(org, team, viewer, outsider):
    stranger = f.make_person(org, name="Not in the team")
    for actor in (viewer, outsider, stranger):
        with pytest.raises(PermissionDenied):
            services.meeting_note_save(actor=actor, unit=team, week=WEEK, text="No")
    assert not MeetingNote.objects.exists()


# Page -----------------------------------------------------------------------------------


def test_meeting_page_shows_krs_lessons_plans_and_saves_notes(client, org, member, team, okrs):
    objective, kr = okrs
    okr_services.check_in_create(actor=member, key_result=kr, value=20, confidence="at_risk")
    lessons = weekly_services.category_create(actor=member, name="Lessons learned", unit=team)
    this_week = timezone.localdate()
    last_week = this_week - timedelta(days=7)
    weekly_services.item_create(
        actor=member, person=member, week=last_week, category=lessons.slug, text="Ask users earlier"
    )
    weekly_services.item_create(
        actor=member, person=member, week=last_week, category="problems", text="Staging was down"
    )
    weekly_services.item_create(
        actor=member, person=member, week=last_week, category="progress", text="Shipped the tour"
    )
    weekly_services.item_create(
        actor=member, person=member, week=last_week, category="plans", text="Last week's plan"
    )
    weekly_services.item_create(
        actor=member, person=member, week=this_week, category="plans", text="Interview 3 users"
    )
    client.force_login(member)
    response = client.get(reverse("team_meeting", args=[team.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Completion from 10 to 50" in html and "Since last week" in html
    assert "At risk" in html  # reported confidence and pace labels in words
    assert f'hx-get="{reverse("key_result_check_in", args=[kr.pk])}' in html
    # What we learned last week: its Progress, Problems and lessons (not last week's plans).
    learned = html[html.index('id="learned-heading"') : html.index('id="plans-heading"')]
    assert "Ask users earlier" in learned and "Staging was down" in learned
    assert "Shipped the tour" in learned and ">Progress <" in learned
    assert "Last week's plan" not in html
    assert "Interview 3 users" in html and member.name in html
    # Save notes: dated, then visible on the unit page.
    save = client.post(reverse("team_meeting", args=[team.pk]), {"text": "Unblock staging: Mia"})
    assert save.status_code == 302
    html = client.get(save["Location"]).content.decode()
    assert "Unblock staging: Mia" in html and "Saved " in html
    unit_html = client.get(reverse("unit_detail", args=[team.pk])).content.decode()
    assert "Latest meeting notes" in unit_html and "Unblock staging: Mia" in unit_html


def test_markers_stalled_stale_dropped(client, member, team, okrs):
    objective, kr = okrs
    dropping = f.make_kr(member, objective, title="Falling metric", start=0, target=100)
    now = timezone.now()
    # The key results were written weeks ago (staleness counts from then, not from today).
    KeyResult.objects.filter(pk__in=[kr.pk, dropping.pk]).update(
        created_at=now - timedelta(days=40)
    )
    for days in (30, 23, 16):
        okr_services.check_in_create(
            actor=member,
            key_result=kr,
            value=30,
            confidence="on_track",
            at=now - timedelta(days=days),
        )
    for days, value in ((10, 40), (1, 20)):
        okr_services.check_in_create(
            actor=member,
            key_result=dropping,
            value=value,
            confidence="at_risk",
            at=now - timedelta(days=days),
        )
    client.force_login(member)
    html = client.get(reverse("team_meeting", args=[team.pk])).content.decode()
    assert html.count('class="marker marker--stalled"') == 1
    assert html.count('class="marker marker--stale"') == 1
    assert html.count('class="marker marker--dropped"') == 1
    assert "−20 pts" in html


def test_empty_notes_are_422_and_bad_week_404(client, member, team):
    client.force_login(member)
    response = client.post(meeting_url(team), {"text": " "})
    assert response.status_code == 422
    assert "Write the notes" in response.content.decode()
    assert client.get(meeting_url(team, "2026-W00")).status_code == 404


def test_readers_see_notes_but_no_form(client, org, member, team, viewer):
    services.meeting_note_save(actor=member, unit=team, week=WEEK, text="Shared notes")
    client.force_login(viewer)
    html = client.get(meeting_url(team)).content.decode()
    assert "Shared notes" in html and "Save notes" not in html
    assert client.post(meeting_url(team), {"text": "Hijack"}).status_code == 403
    assert MeetingNote.objects.get().text == "Shared notes"


def test_foreign_unit_is_404(client, outsider, team):
    client.force_login(outsider)
    assert client.get(meeting_url(team)).status_code == 404
    assert client.post(meeting_url(team), {"text": "x"}).status_code == 404


def test_my_meeting_redirects_to_my_team(client, member, team):
    client.force_login(member)
    response = client.get(reverse("my_meeting"))
    assert response["Location"] == reverse("team_meeting", args=[team.pk])


def test_anyone_picks_any_teams_meeting(client, org, member, team, admin):
    """An admin in no team is offered every unit's meeting, not sent away; a member can pick
    another team's meeting too (?choose), and ?team= opens it."""
    other = f.make_unit(org, "Design")
    client.force_login(admin)  # in no team
    response = client.get(reverse("my_meeting"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "You are not in a team" in html
    for unit in (team, other):
        assert f'href="{reverse("team_meeting", args=[unit.pk])}"' in html
    assert 'aria-current="page">Team meeting<' in html
    client.force_login(member)
    html = client.get(reverse("my_meeting") + "?choose=1").content.decode()
    assert f'href="{reverse("team_meeting", args=[other.pk])}"' in html
    assert "You are not in a team" not in html
    response = client.get(reverse("my_meeting"), {"team": str(other.pk), "week": LABEL})
    assert response["Location"] == meeting_url(other)
    # The meeting page leads to the others.
    html = client.get(meeting_url(team)).content.decode()
    assert f'href="{reverse("my_meeting")}?choose=1"' in html


def test_picking_a_meeting_keeps_the_cycle(client, admin, member, team, running_cycle):
    later = f.make_cycle(
        admin,
        name="Later",
        start=running_cycle.end + timedelta(days=1),
        end=running_cycle.end + timedelta(days=90),
    )
    client.force_login(member)
    response = client.get(reverse("my_meeting"), {"cycle": str(later.pk)})
    assert response["Location"] == reverse("team_meeting", args=[team.pk]) + f"?cycle={later.pk}"
    html = client.get(response["Location"]).content.decode()
    assert f'<option value="{later.pk}" selected>' in html
    # Its week links keep it, and so do the notes saved.
    assert f'rel="prev" href="?week=2026-W47&amp;cycle={later.pk}"' in html
    save = client.post(meeting_url(team) + f"&cycle={later.pk}", {"text": "Decided to try"})
    assert save["Location"] == meeting_url(team) + f"&cycle={later.pk}#notes"
    client.force_login(admin)
    html = client.get(reverse("my_meeting"), {"cycle": str(later.pk)}).content.decode()
    assert f'href="{reverse("team_meeting", args=[team.pk])}?cycle={later.pk}"' in html


def test_a_foreign_team_is_404_in_the_picker(client, outsider, team):
    client.force_login(outsider)
    assert client.get(reverse("my_meeting"), {"team": str(team.pk)}).status_code == 404
    html = client.get(reverse("my_meeting")).content.decode()
    assert team.name not in html


def _grow(member, team, cycle, n, start=0):
    org = member.organization
    for i in range(start, start + n):
        person = f.make_person(org, name=f"P{i:03d}")
        f.join(team, person)
        objective = f.make_objective(member, cycle, team, title=f"Objective {i}")
        kr = f.make_kr(member, objective, title=f"KR {i}")
        okr_services.check_in_create(actor=member, key_result=kr, value=5, confidence="on_track")
        weekly_services.item_create(
            actor=person, person=person, week=WEEK, category="plans", text=f"Plan {i}"
        )
        weekly_services.item_create(
            actor=person,
            person=person,
            week=WEEK - timedelta(days=7),
            category="problems",
            text=f"Problem {i}",
        )


def test_meeting_queries_do_not_grow(client, member, team, running_cycle):
    client.force_login(member)
    services.meeting_note_save(actor=member, unit=team, week=WEEK, text="Notes")
    url = meeting_url(team) + f"&cycle={running_cycle.pk}"
    _grow(member, team, running_cycle, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(member, team, running_cycle, 27, start=3)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert "Objective 29" in response.content.decode() and "Problem 29" in response.content.decode()
    assert len(large) == len(small), f"{len(small)} queries at 3, {len(large)} at 30"


def test_meeting_rows_follow_the_readers_rights(client, member, viewer, team, okrs):
    """Each objective is a row (okrs.pages.ObjectiveRow) saying what this reader may do; the
    objectives and key results themselves carry nothing of it."""
    from cadence.okrs.pages import ObjectiveRow

    objective, kr = okrs
    check_in = f'hx-get="{reverse("key_result_check_in", args=[kr.pk])}'
    client.force_login(member)
    response = client.get(reverse("team_meeting", args=[team.pk]))
    assert check_in in response.content.decode()
    [row] = response.context["objectives"]
    assert isinstance(row, ObjectiveRow) and row.can_edit
    assert [k.can_check_in for k in row.krs] == [True]
    assert row.krs[0].history is not None  # the markers' history, from the rows' details
    assert not {"can_edit", "is_open", "parent_on_board"} & set(vars(row.objective.model))
    assert not {"history", "can_check_in", "objective"} & set(vars(row.krs[0].kr.model))
    client.force_login(viewer)
    response = client.get(reverse("team_meeting", args=[team.pk]))
    assert check_in not in response.content.decode()
    assert [k.can_check_in for k in response.context["objectives"][0].krs] == [False]
