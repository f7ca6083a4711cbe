"""The ideas pages: the list, opening a round, a round's page with its answer, vote, comment
and decline forms, and the promote form leading to the objective page that shows its idea."""

import pytest
import time_machine

from cadence.ideas import services
from cadence.ideas.models import Idea, Round
from cadence.okrs import selectors as okr_selectors
from tests import factories as f
from tests.ideas.conftest import CLOSES, OPENS, open_round


@pytest.fixture
def as_person(client):
    def log_in(person):
        client.force_login(person)
        return client

    return log_in


def _add(ideas_round, author, title):
    return services.idea_add(actor=author, prompt=ideas_round.prompts.first(), title=title)


def test_opening_a_round_from_the_form(world, as_person):
    client = as_person(world.ana)
    assert client.get("/ideas/new/").status_code == 403
    assert "Open an ideas round" not in client.get("/ideas/").content.decode()
    client = as_person(world.lead)
    page = client.get("/ideas/new/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "What gets in our way?" in body and "Q1 2027" in body
    assert "The whole organization" not in body  # a team's lead asks only the team
    bad = client.post(
        "/ideas/new/",
        {
            "unit": str(world.team.pk),
            "cycle": str(world.cycle.pk),
            "opens_on": "2026-11-23",
            "closes_on": "2026-11-20",
            "prompts": "What stops us?",
        },
    )
    assert bad.status_code == 422 and "Close the round on or after" in bad.content.decode()
    assert not Round.objects.exists()
    done = client.post(
        "/ideas/new/",
        {
            "unit": str(world.team.pk),
            "cycle": str(world.cycle.pk),
            "opens_on": "2026-11-23",
            "closes_on": "2026-11-29",
            "prompts": "What stops us?\n\nWhat should we keep?",
        },
    )
    ideas_round = Round.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/ideas/rounds/{ideas_round.pk}/"
    assert [p.text for p in ideas_round.prompts.all()] == ["What stops us?", "What should we keep?"]
    listing = client.get("/ideas/").content.decode()
    assert "Ideas for Q1 2027" in listing and "Open" in listing


def test_answer_vote_comment_on_the_round_page(world, as_person):
    ideas_round = open_round(world)
    prompt = ideas_round.prompts.first()
    client = as_person(world.ana)
    url = f"/ideas/rounds/{ideas_round.pk}/"
    assert client.get(url).status_code == 200
    assert client.get(f"/ideas/rounds/{ideas_round.pk}/answer/").status_code == 405
    empty = client.post(f"/ideas/rounds/{ideas_round.pk}/answer/", {"prompt": str(prompt.pk)})
    assert empty.status_code == 422
    added = client.post(
        f"/ideas/rounds/{ideas_round.pk}/answer/",
        {"prompt": str(prompt.pk), "title": "Demo on Fridays", "detail": "Ten minutes"},
    )
    idea = Idea.objects.get()
    assert added.status_code == 302 and added["Location"] == f"{url}#idea-{idea.pk}"
    page = client.get(url).content.decode()
    assert "Demo on Fridays" in page and "Ten minutes" in page
    assert f"/ideas/{idea.pk}/vote/" not in page  # not on one's own idea
    client = as_person(world.ben)
    assert client.get(f"/ideas/{idea.pk}/vote/").status_code == 405
    assert client.post(f"/ideas/{idea.pk}/vote/").status_code == 302
    page = client.get(url).content.decode()
    assert 'aria-pressed="true"' in page
    assert client.post(f"/ideas/{idea.pk}/comment/", {"text": ""}).status_code == 422
    assert client.post(f"/ideas/{idea.pk}/comment/", {"text": "Yes please"}).status_code == 302
    assert "Yes please" in client.get(url).content.decode()
    # Own vote refused through the page: said, not saved.
    client = as_person(world.ana)
    refused = client.post(f"/ideas/{idea.pk}/vote/")
    assert refused.status_code == 422 and "Your own idea" in refused.content.decode()


def test_the_page_sorts_and_filters(world, as_person):
    ideas_round = open_round(world)
    with time_machine.travel("2026-11-23 09:00Z", tick=False):
        older = _add(ideas_round, world.ana, "Older but liked")
    with time_machine.travel("2026-11-23 09:30Z", tick=False):
        _add(ideas_round, world.ana, "Newer")
    services.idea_vote_toggle(actor=world.ben, idea=older)
    client = as_person(world.ben)
    url = f"/ideas/rounds/{ideas_round.pk}/"
    body = client.get(url).content.decode()
    assert body.index("Older but liked") < body.index("Newer")
    body = client.get(url + "?sort=newest").content.decode()
    assert body.index("Newer") < body.index("Older but liked")
    last = list(ideas_round.prompts.all())[-1]
    body = client.get(f"{url}?prompt={last.pk}").content.decode()
    assert "No ideas for this question yet." in body and "Newer" not in body
    assert client.get(f"{url}?prompt={world.team.pk}").status_code == 404


def test_closed_rounds_stay_readable_without_forms(world, as_person):
    ideas_round = open_round(world)
    idea = _add(ideas_round, world.ana, "Keep me")
    client = as_person(world.ben)
    with time_machine.travel("2026-11-30 10:00Z", tick=False):
        page = client.get(f"/ideas/rounds/{ideas_round.pk}/")
        body = page.content.decode()
        assert page.status_code == 200 and "Keep me" in body and "closed on" in body
        assert "Add my idea" not in body and f"/ideas/{idea.pk}/vote/" not in body
        assert client.post(f"/ideas/{idea.pk}/vote/").status_code == 422


def test_other_teams_cannot_read_a_teams_round(world, as_person):
    ideas_round = open_round(world)
    client = as_person(world.other)
    assert client.get(f"/ideas/rounds/{ideas_round.pk}/").status_code == 403
    assert "Ideas for Q1 2027" not in client.get("/ideas/").content.decode()


def test_promote_then_the_objective_page_shows_the_idea(world, as_person):
    ideas_round = open_round(world)
    idea = _add(ideas_round, world.ana, "Fewer meetings")
    assert as_person(world.ben).get(f"/ideas/{idea.pk}/promote/").status_code == 403
    client = as_person(world.lead)
    form = client.get(f"/ideas/{idea.pk}/promote/")
    assert form.status_code == 200 and 'value="Fewer meetings"' in form.content.decode()
    done = client.post(f"/ideas/{idea.pk}/promote/", {"title": "Focus time for makers"})
    objective = okr_selectors.objectives_of(world.org, viewer=f.ALL).get()
    assert done.status_code == 302 and done["Location"] == f"/objectives/{objective.pk}/"
    page = client.get(done["Location"]).content.decode()
    assert "Came from the idea" in page and "Fewer meetings" in page
    assert f"/ideas/rounds/{ideas_round.pk}/#idea-{idea.pk}" in page
    body = client.get(f"/ideas/rounds/{ideas_round.pk}/").content.decode()
    assert "Became the draft objective" in body and f"/objectives/{objective.pk}/" in body
    again = client.post(f"/ideas/{idea.pk}/promote/", {"title": "Twice"})
    assert (
        again.status_code == 422
        and okr_selectors.objectives_of(world.org, viewer=f.ALL).count() == 1
    )


def test_decline_with_and_without_a_reason(world, as_person):
    ideas_round = open_round(world)
    idea = _add(ideas_round, world.ana, "Four-day weeks")
    client = as_person(world.lead)
    assert client.get(f"/ideas/{idea.pk}/decline/").status_code == 405
    empty = client.post(f"/ideas/{idea.pk}/decline/", {"reason": ""})
    assert empty.status_code == 422 and 'aria-invalid="true"' in empty.content.decode()
    done = client.post(f"/ideas/{idea.pk}/decline/", {"reason": "Not ours to decide"})
    assert done.status_code == 302
    body = client.get(f"/ideas/rounds/{ideas_round.pk}/").content.decode()
    assert "Declined" in body and "Not ours to decide" in body


def test_the_form_defaults_to_a_week_from_today(world, as_person):
    body = as_person(world.admin).get("/ideas/new/").content.decode()
    assert f'value="{OPENS.isoformat()}"' in body and f'value="{CLOSES.isoformat()}"' in body
    assert "The whole organization" in body
