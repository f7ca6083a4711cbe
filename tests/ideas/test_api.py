"""/api/v1 ideas rounds: list and open rounds, read one with its ideas, answer, vote and unvote,
comment, promote (→ the objective's id) and decline."""

import pytest
import time_machine

from cadence.ideas.models import Idea
from cadence.okrs import selectors as okr_selectors
from tests import factories as f
from tests.api.conftest import Api, errors_of
from tests.ideas.conftest import open_round

pytestmark = pytest.mark.django_db


def _round_body(world, **extra):
    return {
        "unit_id": str(world.team.pk),
        "cycle_id": str(world.cycle.pk),
        "opens_on": "2026-11-23",
        "closes_on": "2026-11-29",
    } | extra


def test_open_list_and_read_a_round(world):
    lead = Api(world.lead)
    refused = Api(world.ana).post("/ideas-rounds", _round_body(world))
    assert refused.status_code == 403
    bad = lead.post("/ideas-rounds", _round_body(world, closes_on="2026-11-01"))
    assert bad.status_code == 422 and "closes_on" in errors_of(bad)
    foreign = lead.post("/ideas-rounds", _round_body(world, unit_id=str(world.cycle.pk)))
    assert foreign.status_code == 422 and "unit_id" in errors_of(foreign)
    unknown = lead.post("/ideas-rounds", _round_body(world, extra=1))
    assert unknown.status_code == 422
    created = lead.post("/ideas-rounds", _round_body(world, prompts=["What stops us?"]))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and [p["text"] for p in body["prompts"]] == ["What stops us?"]
    again = lead.post("/ideas-rounds", _round_body(world))
    assert again.status_code == 409
    listed = Api(world.ana).get("/ideas-rounds").json()
    assert [r["id"] for r in listed] == [body["id"]]
    assert Api(world.other).get("/ideas-rounds").json() == []
    assert Api(world.other).get(f"/ideas-rounds/{body['id']}").status_code == 403
    detail = Api(world.ana).get(f"/ideas-rounds/{body['id']}")
    assert detail.status_code == 200 and detail.json()["ideas"] == []


def test_answer_vote_comment_promote_decline(world):
    ideas_round = open_round(world)
    prompt = ideas_round.prompts.first()
    ana, ben, lead = Api(world.ana), Api(world.ben), Api(world.lead)
    base = f"/ideas-rounds/{ideas_round.pk}"
    bad_prompt = ana.post(f"{base}/ideas", {"prompt_id": str(world.team.pk), "title": "X"})
    assert bad_prompt.status_code == 422 and "prompt_id" in errors_of(bad_prompt)
    blank = ana.post(f"{base}/ideas", {"prompt_id": str(prompt.pk), "title": "  "})
    assert blank.status_code == 422
    with time_machine.travel("2026-11-23 10:00Z", tick=False):
        first = ana.post(f"{base}/ideas", {"prompt_id": str(prompt.pk), "title": "Pairing days"})
    with time_machine.travel("2026-11-23 11:00Z", tick=False):
        second = ana.post(f"{base}/ideas", {"prompt_id": str(prompt.pk), "title": "Quiet hours"})
    assert first.status_code == 201, first.content
    one, two = first.json()["id"], second.json()["id"]
    assert first.json()["votes"] == 0 and first.json()["state"] == "open"

    own = ana.post(f"/ideas/{one}/vote")
    assert own.status_code == 422
    assert ben.post(f"/ideas/{one}/vote").json() == {"voted": True, "votes": 1}
    assert ben.post(f"/ideas/{one}/vote").json() == {"voted": True, "votes": 1}
    assert lead.post(f"/ideas/{two}/vote").json() == {"voted": True, "votes": 1}
    assert lead.delete(f"/ideas/{two}/vote").json() == {"voted": False, "votes": 0}
    comment = ben.post(f"/ideas/{one}/comments", {"text": "Count me in"})
    assert comment.status_code == 201 and comment.json()["author_id"] == str(world.ben.pk)

    by_votes = ben.get(base).json()["ideas"]
    assert [i["id"] for i in by_votes] == [one, two]
    assert by_votes[0]["voted"] is True and by_votes[0]["comments"][0]["text"] == "Count me in"
    newest = ben.get(f"{base}?sort=newest").json()["ideas"]
    assert [i["id"] for i in newest] == [two, one]
    assert ben.get(f"{base}?sort=loudest").status_code == 422
    assert ben.get(f"{base}?prompt_id={world.team.pk}").status_code == 404

    assert ben.post(f"/ideas/{one}/promote", {}).status_code == 403
    promoted = lead.post(f"/ideas/{one}/promote", {"title": "Pair every week"})
    assert promoted.status_code == 201, promoted.content
    objective = okr_selectors.objective_get(
        world.org, promoted.json()["objective_id"], viewer=f.ALL
    )
    assert (objective.title, objective.state) == ("Pair every week", "draft")
    assert Idea.objects.get(pk=one).objective_id == objective.pk
    assert lead.post(f"/ideas/{one}/promote", {}).status_code == 409

    assert lead.post(f"/ideas/{two}/decline", {"reason": ""}).status_code == 422
    declined = lead.post(f"/ideas/{two}/decline", {"reason": "Already the norm"})
    assert declined.status_code == 200
    assert declined.json()["state"] == "declined"
    assert declined.json()["decline_reason"] == "Already the norm"
    states = {i["id"]: i for i in ben.get(base).json()["ideas"]}
    assert states[one]["objective_id"] == str(objective.pk)

    with time_machine.travel("2026-11-30 10:00Z", tick=False):
        late = ana.post(f"{base}/ideas", {"prompt_id": str(prompt.pk), "title": "Too late"})
        assert late.status_code == 409
        assert lead.post(f"/ideas/{one}/vote").status_code == 409


def test_missing_ids_are_404(world):
    api = Api(world.admin)
    missing = "00000000-0000-0000-0000-000000000000"
    assert api.get(f"/ideas-rounds/{missing}").status_code == 404
    assert api.post(f"/ideas/{missing}/vote").status_code == 404
    assert api.post(f"/ideas/{missing}/promote", {"title": "x"}).status_code == 404
