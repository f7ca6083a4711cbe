"""/api/v1/one-on-ones: the two people's, 404 to anyone else; private notes to their writer."""

import pytest

from cadence.oneonones import services
from cadence.oneonones.models import Note, Pair
from tests.api.conftest import Api
from tests.oneonones.conftest import NEXT


def test_a_lead_creates_a_pair_and_both_list_it(lead, member):
    api = Api(lead)
    body = {"member_id": str(member.pk), "frequency": "weekly", "weekday": 1, "time": "10:00"}
    response = api.post("/one-on-ones", body | {"starts_on": "2026-11-01"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["member_name"], data["time"], data["minutes"]) == ("Mia Member", "10:00", 30)
    assert data["next_meeting_at"].startswith("2026-11-24T10:00:00")
    assert [p["id"] for p in Api(member).get("/one-on-ones").json()] == [data["id"]]
    assert api.post("/one-on-ones", body).status_code == 409


def test_bad_input_is_422_and_saves_nothing(lead, member, other_lead):
    api = Api(lead)
    response = api.post(
        "/one-on-ones",
        {"member_id": str(member.pk), "frequency": "daily", "weekday": 9, "time": "7pm"},
    )
    assert response.status_code == 422
    assert {"frequency", "weekday", "time"} <= set(response.json()["errors"])
    response = Api(other_lead).post(
        "/one-on-ones",
        {"member_id": str(member.pk), "frequency": "weekly", "weekday": 1, "time": "10:00"},
    )
    assert response.status_code == 422 and "member" in response.json()["errors"]
    assert not Pair.objects.exists()


@pytest.mark.parametrize(
    ("minutes", "saved"), [(45.0, 45), (1.5, None), (True, None), ("45", None)]
)
def test_minutes_are_a_json_integer(lead, member, minutes, saved):
    body = {"member_id": str(member.pk), "frequency": "weekly", "weekday": 1, "time": "10:00"}
    response = Api(lead).post("/one-on-ones", body | {"minutes": minutes})
    if saved is None:
        assert response.status_code == 422 and "minutes" in response.json()["errors"]
    else:
        assert response.status_code == 201, response.content
        assert response.json()["minutes"] == saved


def test_without_credentials_401(pair):
    assert Api().get("/one-on-ones").status_code == 401


def test_meetings_notes_points_items_and_feedback(pair, lead, member):
    api = Api(lead)
    base = f"/one-on-ones/{pair.pk}"
    assert api.post(f"{base}/talking-points", {"text": "Hiring"}).status_code == 201
    assert api.post(f"{base}/notes", {"text": "Mine alone", "private": True}).status_code == 201
    assert api.post(f"{base}/notes", {"text": "Ours"}).status_code == 201
    item = api.post(f"{base}/action-items", {"owner": "member", "text": "Book the course"})
    assert item.status_code == 201
    meetings = api.get(f"{base}/meetings").json()
    assert len(meetings) == 1 and meetings[0]["at"].startswith("2026-11-24T10:00:00")
    meeting_url = f"{base}/meetings/{meetings[0]['id']}"
    mine = api.get(meeting_url).json()
    assert sorted(n["text"] for n in mine["notes"]) == ["Mine alone", "Ours"]
    theirs = Api(member).get(meeting_url).json()
    assert [n["text"] for n in theirs["notes"]] == ["Ours"]
    assert [p["text"] for p in theirs["talking_points"]] == ["Hiring"]
    # The other's private note cannot be reached either.
    private = Note.objects.get(private=True)
    assert Api(member).patch(f"{base}/notes/{private.pk}", {"text": "x"}).status_code == 404
    shared = Note.objects.get(private=False)
    assert Api(member).patch(f"{base}/notes/{shared.pk}", {"text": "x"}).status_code == 403
    assert api.patch(f"{base}/notes/{private.pk}", {"text": "Mine, again"}).status_code == 200
    # A later meeting carries the item until it is ticked.
    later = api.post(f"{base}/meetings", {"date": "2026-12-01", "time": "10:00"})
    assert later.status_code == 201
    assert later.json()["at"].startswith("2026-12-01T10:00:00")
    half = api.post(f"{base}/meetings", {"date": "2026-12-01"})
    assert half.status_code == 422 and "time" in half.json()["errors"]
    assert [i["text"] for i in later.json()["action_items"]] == ["Book the course"]
    tick = Api(member).post(
        f"{base}/action-items/{item.json()['id']}/tick",
        {"done": True, "meeting_id": later.json()["id"]},
    )
    assert tick.status_code == 200 and tick.json()["done"] is True
    feedback = Api(member).post(f"{base}/feedback", {"text": "Your coaching helped me"})
    assert feedback.status_code == 201
    assert [f["text"] for f in api.get(f"{base}/feedback").json()] == ["Your coaching helped me"]


def test_a_meeting_id_of_another_pair_in_a_body_is_bad_input(pair, lead, org, team):
    from tests import factories as f

    other_member = f.make_person(org, name="Ola Othermember")
    f.join(team, other_member)
    other = services.pair_create(
        actor=lead, member=other_member, frequency="monthly", weekday=2, at=NEXT.time()
    )
    foreign = services.meeting_create(actor=lead, pair=other)
    response = Api(lead).post(
        f"/one-on-ones/{pair.pk}/talking-points", {"text": "x", "meeting_id": str(foreign.pk)}
    )
    assert response.status_code == 422 and "meeting_id" in response.json()["errors"]


@pytest.mark.parametrize("who", ["admin", "other_lead", "outsider"])
def test_every_route_of_a_pair_is_404_to_anyone_else(request, who, pair, lead):
    item = services.action_item_add(actor=lead, pair=pair, owner="lead", text="Secret task")
    note = services.note_add(actor=lead, pair=pair, text="Secret note")
    meeting = item.raised_in
    api = Api(request.getfixturevalue(who))
    base = f"/one-on-ones/{pair.pk}"
    for method, path, body in (
        ("get", base, None),
        ("get", f"{base}/meetings", None),
        ("post", f"{base}/meetings", {}),
        ("get", f"{base}/meetings/{meeting.pk}", None),
        ("post", f"{base}/talking-points", {"text": "x"}),
        ("post", f"{base}/notes", {"text": "x"}),
        ("patch", f"{base}/notes/{note.pk}", {"text": "x"}),
        ("post", f"{base}/action-items", {"owner": "lead", "text": "x"}),
        ("post", f"{base}/action-items/{item.pk}/tick", {"done": True}),
        ("get", f"{base}/feedback", None),
        ("post", f"{base}/feedback", {"text": "x"}),
    ):
        response = api.call(method, path, body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert "Secret" not in response.content.decode()
    assert api.get("/one-on-ones").json() == []


def test_the_meeting_agenda_carries_personal_objectives(pair, lead, member, cycle):
    from cadence.okrs import services as okr_services

    mine = okr_services.personal_objective_create(
        actor=member, cycle=cycle, title="Grow as a mentor"
    )
    response = Api(lead).post(f"/one-on-ones/{pair.pk}/meetings", {})
    assert response.status_code == 201, response.content
    personal = response.json()["agenda"]["personal_objectives"]
    assert [(o["objective_id"], o["title"]) for o in personal] == [(str(mine.pk), mine.title)]
