"""The 1:1 pages: the list, a pair's page with the next meeting's agenda, a past meeting's
page, the htmx writes; 404 to anyone but the two (admins too)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cadence.oneonones import services
from cadence.oneonones.models import ActionItem, Note, Pair, TalkingPoint
from cadence.weekly import services as weekly_services
from tests.oneonones.conftest import NEXT

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_list_shows_my_one_on_ones_as_lead_and_as_member(client, pair, lead, member):
    client.force_login(lead)
    html = client.get(reverse("one_on_ones")).content.decode()
    assert "With the people I lead" in html and "Mia Member" in html
    assert "never used for pay or performance ratings" in html
    client.force_login(member)
    html = client.get(reverse("one_on_ones")).content.decode()
    assert reverse("one_on_one", args=[pair.pk]) in html and "Leo Lead" in html
    assert "Set up a 1:1" not in html  # a member leads nobody


def test_a_lead_sets_up_a_one_on_one_from_the_list(client, lead, member):
    client.force_login(lead)
    data = {
        "member": str(member.pk),
        "frequency": "biweekly",
        "weekday": "3",
        "at": "14:30",
        "minutes": "45",
        "starts_on": "2026-11-23",
    }
    response = client.post(reverse("one_on_ones"), data)
    pair = Pair.objects.get()
    assert response.status_code == 302 and response.url == reverse("one_on_one", args=[pair.pk])
    assert (pair.frequency, pair.weekday, pair.minutes) == ("biweekly", 3, 45)


def test_bad_input_answers_422_and_saves_nothing(client, lead, member):
    client.force_login(lead)
    data = {"member": str(member.pk), "frequency": "daily", "weekday": "9", "at": "25:00"}
    response = client.post(reverse("one_on_ones"), data)
    assert response.status_code == 422 and not Pair.objects.exists()
    assert "Choose every week, every two weeks or every month." in response.content.decode()


def test_the_pair_page_shows_the_members_weekly_problem_first(client, pair, lead, member):
    weekly_services.item_create(
        actor=member, person=member, week=NEXT.date(), category="plans", text="Write the brief"
    )
    weekly_services.item_create(
        actor=member, person=member, week=NEXT.date(), category="problems", text="No test data"
    )
    client.force_login(lead)
    html = client.get(reverse("one_on_one", args=[pair.pk])).content.decode()
    assert html.index("No test data") < html.index("Write the brief")
    assert "Tuesday 24 November 2026, 10:00" in html
    assert "never about pay or performance ratings" in html


@pytest.mark.parametrize("who", ["admin", "other_lead", "outsider"])
def test_every_page_and_write_of_a_pair_is_404_to_anyone_else(request, client, who, pair, lead):
    point = services.talking_point_add(actor=lead, pair=pair, text="Career path")
    item = services.action_item_add(actor=lead, pair=pair, owner="lead", text="Ask HR")
    meeting = point.meeting
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("one_on_one", args=[pair.pk]),
        reverse("one_on_one_meeting", args=[pair.pk, meeting.pk]),
        reverse("one_on_one_talking_point_add", args=[pair.pk]),
        reverse("one_on_one_note_add", args=[pair.pk]),
        reverse("one_on_one_action_item_add", args=[pair.pk]),
        reverse("one_on_one_action_item_tick", args=[pair.pk, item.pk]),
        reverse("one_on_one_feedback_add", args=[pair.pk]),
    ):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"text": "x", "owner": "lead"})
            assert response.status_code == 404, (method, url)
            assert "Career path" not in response.content.decode()
    assert TalkingPoint.objects.count() == 1 and ActionItem.objects.get().done_at is None
    assert "Mia Member" not in client.get(reverse("one_on_ones")).content.decode()


def test_writes_are_post_only(client, pair, lead):
    client.force_login(lead)
    assert client.get(reverse("one_on_one_note_add", args=[pair.pk])).status_code == 405


def test_htmx_writes_answer_the_panel(client, pair, lead, member):
    client.force_login(member)
    url = reverse("one_on_one_talking_point_add", args=[pair.pk])
    response = client.post(url, {"text": "Feedback on my talk", "meeting": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and 'id="oneonone-panel"' in html
    assert "Feedback on my talk" in html and "<html" not in html
    response = client.post(url, {"text": "  ", "meeting": ""}, **HTMX)
    assert response.status_code == 422 and "Write the talking point." in response.content.decode()
    # Without htmx: back to the page.
    response = client.post(url, {"text": "Another point", "meeting": ""})
    assert response.status_code == 302


def test_a_private_note_is_never_on_the_others_page(client, pair, lead, member):
    client.force_login(lead)
    client.post(
        reverse("one_on_one_note_add", args=[pair.pk]),
        {"text": "Only for me", "private": "on", "meeting": ""},
    )
    client.post(reverse("one_on_one_note_add", args=[pair.pk]), {"text": "For us both"})
    assert Note.objects.filter(private=True).count() == 1
    assert "Only for me" in client.get(reverse("one_on_one", args=[pair.pk])).content.decode()
    client.force_login(member)
    html = client.get(reverse("one_on_one", args=[pair.pk])).content.decode()
    assert "For us both" in html and "Only for me" not in html


def test_an_action_item_added_now_is_on_the_next_meeting_until_ticked(client, pair, lead):
    client.force_login(lead)
    earlier = services.meeting_create(actor=lead, pair=pair, at=NEXT - timedelta(days=7))
    client.post(
        reverse("one_on_one_action_item_add", args=[pair.pk]),
        {"text": "Send the plan", "owner": "member", "meeting": str(earlier.pk)},
    )
    item = ActionItem.objects.get()
    page = reverse("one_on_one", args=[pair.pk])
    assert "Carried from" in client.get(page).content.decode()
    client.post(reverse("one_on_one_action_item_tick", args=[pair.pk, item.pk]), {"done": "on"})
    item.refresh_from_db()
    assert item.done and item.done_in.at == NEXT
    html = client.get(reverse("one_on_one_meeting", args=[pair.pk, earlier.pk])).content.decode()
    assert "Send the plan" in html


def test_feedback_is_recorded_with_htmx(client, pair, lead):
    client.force_login(lead)
    response = client.post(
        reverse("one_on_one_feedback_add", args=[pair.pk]),
        {"text": "Your onboarding work lifted activation", "about": ""},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Your onboarding work lifted activation" in response.content.decode()


def test_an_admin_learns_how_many_pairs_exist_and_nothing_more(client, pair, admin):
    client.force_login(admin)
    html = client.get(reverse("one_on_ones")).content.decode()
    assert "Your organization keeps 1 1:1." in html
    assert "Mia Member" not in html and "Leo Lead" not in html


def test_the_list_reads_a_fixed_number_of_queries(client, lead, org, team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    client.force_login(lead)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("one_on_ones")).status_code == 200
        return len(captured)

    def pair_with_someone_new():
        person = f.make_person(org)
        f.join(team, person)
        services.pair_create(
            actor=lead, member=person, frequency="weekly", weekday=2, at=NEXT.time()
        )

    pair_with_someone_new()
    one = queries()
    for _ in range(4):
        pair_with_someone_new()
    assert queries() == one
