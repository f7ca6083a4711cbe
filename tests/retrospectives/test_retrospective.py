"""Team retrospectives: who writes them, what they keep, and when they are complete."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.retrospectives import selectors as retro_selectors
from cadence.retrospectives import services as retro_services
from cadence.retrospectives.models import Learning, ObjectiveReviewNote
from cadence.reviews.models import Review
from cadence.scoring import services as scoring_services
from tests import factories as f
from tests.retrospectives.retro_world import approved, build, retro_kwargs


@pytest.fixture
def world(org, admin, cycle, team):
    return build(org, admin, cycle, team)


def test_a_member_saves_a_draft_with_learnings_and_explanations(member, cycle, team, world):
    review = retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        **retro_kwargs(explanations={world["missed"].id: "The vendor API arrived late."}),
    )
    assert review.kind == Review.Kind.RETROSPECTIVE and review.unit == team
    assert review.answers == {"retro-success-wins": "The new sign-up page."}
    assert [x.text for x in review.learnings.order_by("position")][0].startswith("Small weekly")
    assert review.learnings.filter(kind=Learning.Kind.LEARNING, cycle=cycle, unit=team).count() == 3
    note = ObjectiveReviewNote.objects.get(review=review)
    assert (note.objective, note.text) == (world["missed"], "The vendor API arrived late.")
    assert review.completed_at is None  # a draft until completed


def test_saving_again_replaces_learnings_and_removes_emptied_explanations(
    member, cycle, team, world
):
    kw = retro_kwargs(explanations={world["missed"].id: "Late vendor."})
    retro_services.retrospective_save(actor=member, cycle=cycle, unit=team, **kw)
    review = retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        **retro_kwargs(learnings=["Only one", "", "  "], explanations={world["missed"].id: ""}),
    )
    assert Review.objects.filter(kind="retrospective").count() == 1
    assert list(review.learnings.values_list("text", flat=True)) == ["Only one"]
    assert not ObjectiveReviewNote.objects.exists()


def test_a_draft_may_be_empty(member, cycle, team, world):
    review = retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        answers={},
        overview="",
        satisfaction="",
        worked="",
        failed="",
        learnings=[],
        explanations={},
    )
    assert review.pk and review.completed_at is None


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"learnings": [f"Learning {i}" for i in range(7)]}, "learnings"),
        ({"satisfaction": "ecstatic"}, "satisfaction"),
        ({"answers": {"made-up": "x"}}, "answers"),
        ({"overview": "x" * 4001}, "overview"),
        ({"learnings": ["x" * 1001]}, "learnings"),
    ],
)
def test_bad_input_saves_nothing(member, cycle, team, world, overrides, field):
    with pytest.raises(ValidationError) as exc:
        retro_services.retrospective_save(
            actor=member, cycle=cycle, unit=team, **retro_kwargs(**overrides)
        )
    assert field in exc.value.message_dict
    assert not Review.objects.exists() and not Learning.objects.exists()


def test_an_explanation_for_another_teams_objective_is_refused(org, admin, member, cycle, team):
    other = f.make_unit(org, "Platform")
    build(org, admin, cycle, team)
    foreign = approved(admin, cycle, other, "Not ours", progress=10)
    with pytest.raises(ValidationError) as exc:
        retro_services.retrospective_save(
            actor=member,
            cycle=cycle,
            unit=team,
            **retro_kwargs(explanations={foreign.id: "Sneaky"}),
        )
    assert "explanations" in exc.value.message_dict
    assert not ObjectiveReviewNote.objects.exists()


def test_only_members_leads_and_admins_write_it(org, admin, cycle, team, viewer, outsider, world):
    stranger = f.make_person(org, name="Other team")
    for person in (viewer, stranger, outsider):
        with pytest.raises(PermissionDenied):
            retro_services.retrospective_save(
                actor=person, cycle=cycle, unit=team, **retro_kwargs()
            )
    lead = f.make_person(org, name="Department lead")
    department = f.make_unit(org, "Product dept", kind="department")
    sub = f.make_unit(org, "Sub team", parent=department)
    f.join(department, lead, role="lead")
    assert retro_services.retrospective_save(actor=lead, cycle=cycle, unit=sub, **retro_kwargs())
    assert retro_services.retrospective_save(actor=admin, cycle=cycle, unit=team, **retro_kwargs())


def test_only_teams_write_retrospectives(org, admin, cycle):
    department = f.make_unit(org, "Dept", kind="department")
    with pytest.raises(ValidationError):
        retro_services.retrospective_save(
            actor=admin, cycle=cycle, unit=department, **retro_kwargs()
        )


def test_complete_names_everything_missing(member, cycle, team, world):
    retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        **retro_kwargs(overview="", satisfaction="", learnings=["Just one"]),
    )
    with pytest.raises(ValidationError) as exc:
        retro_services.retrospective_complete(actor=member, cycle=cycle, unit=team)
    errors = exc.value.message_dict
    assert set(errors) == {"overview", "satisfaction", "learnings", "explanations"}
    assert "3 to 6 key learnings (there is 1)" in errors["learnings"][0]
    # The committed objective at 0.5 is named; the aspirational one at 0.8 succeeded.
    assert "Ship the onboarding flow" in errors["explanations"][0]
    assert "(0.5)" in errors["explanations"][0]
    assert "Delight" not in errors["explanations"][0]
    assert Review.objects.get().completed_at is None


def test_complete_without_any_draft_is_refused(member, cycle, team, world):
    with pytest.raises(ValidationError) as exc:
        retro_services.retrospective_complete(actor=member, cycle=cycle, unit=team)
    assert "overview" in exc.value.message_dict


def test_complete_once_everything_is_there(member, viewer, cycle, team, world):
    retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        **retro_kwargs(explanations={world["missed"].id: "The vendor API arrived late."}),
    )
    with pytest.raises(PermissionDenied):
        retro_services.retrospective_complete(actor=viewer, cycle=cycle, unit=team)
    review = retro_services.retrospective_complete(actor=member, cycle=cycle, unit=team)
    assert review.completed_at is not None
    # Emptying a requirement afterwards takes it back to a draft.
    review = retro_services.retrospective_save(
        actor=member, cycle=cycle, unit=team, **retro_kwargs(learnings=["One", "Two"])
    )
    review.refresh_from_db()
    assert review.completed_at is None


def test_a_committed_objective_at_1_needs_no_explanation(org, admin, member, cycle, team):
    approved(admin, cycle, team, "All done", progress=100)
    retro_services.retrospective_save(actor=member, cycle=cycle, unit=team, **retro_kwargs())
    assert retro_services.retrospective_complete(actor=member, cycle=cycle, unit=team).completed_at


def test_six_learnings_at_most_three_at_least(member, cycle, team):
    six = [f"Learning {i}" for i in range(6)]
    retro_services.retrospective_save(
        actor=member, cycle=cycle, unit=team, **retro_kwargs(learnings=six)
    )
    assert retro_services.retrospective_complete(actor=member, cycle=cycle, unit=team).completed_at


def test_editable_after_the_cycle_closes_and_uses_final_scores(admin, member, cycle, team, world):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    scoring_services.objective_score_adjust(
        actor=admin, objective=world["missed"], score=1.0, reason="Delivered after the cut-off"
    )
    retro_services.retrospective_save(actor=member, cycle=cycle, unit=team, **retro_kwargs())
    # Adjusted to 1.0: the committed objective needs no explanation any more.
    assert retro_services.retrospective_complete(actor=member, cycle=cycle, unit=team).completed_at
    retro = retro_selectors.team_retrospective(admin.organization, cycle, team, viewer=f.ALL)
    scores = {o.title: (o.final_score, o.is_preview, o.success) for o in retro.objectives}
    assert scores["Ship the onboarding flow"] == (1.0, False, True)
    assert scores["Delight every new customer"] == (0.8, False, True)


def test_drafts_and_abandoned_objectives_are_not_reviewed(admin, cycle, team, world):
    f.make_objective(admin, cycle, team, title="Never approved")
    retro = retro_selectors.team_retrospective(admin.organization, cycle, team, viewer=f.ALL)
    assert {o.title for o in retro.objectives} == {
        "Ship the onboarding flow",
        "Delight every new customer",
    }
    assert retro.success_rate == 0.5


# Pages ------------------------------------------------------------------------------------------


def _url(cycle, unit):
    return reverse("team_retrospective", args=[cycle.id, unit.id])


def test_page_shows_scores_and_the_four_groups(client, member, cycle, team, world):
    client.force_login(member)
    response = client.get(_url(cycle, team))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Ship the onboarding flow",
        "Partial progress",
        "Our OKRs and how we worked with them",
        "What went well",
        "Where we fell short",
        "Next cycle: start, stop, continue",
        "Why did “Ship the onboarding flow” score 0.5?",
        "(preview)",
    ):
        assert text in body, text


def _post_data(world, **extra):
    data = {
        "overview": "Good enough",
        "satisfaction": "yes",
        "worked": "",
        "failed": "",
        "learning_1": "One",
        "learning_2": "Two",
        "learning_3": "Three",
        f"explain_{world['missed'].id}": "Late vendor",
        "q_retro-future-start": "Pair earlier",
    }
    data.update(extra)
    return data


def test_post_saves_a_draft_then_completes(client, member, cycle, team, world):
    client.force_login(member)
    response = client.post(_url(cycle, team), _post_data(world, action="save"))
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.answers == {"retro-future-start": "Pair earlier"}
    assert review.completed_at is None
    response = client.post(_url(cycle, team), _post_data(world, action="complete"))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.completed_at is not None
    assert "Complete" in client.get(_url(cycle, team)).content.decode()


def test_completing_an_incomplete_one_saves_the_draft_and_says_what_is_missing(
    client, member, cycle, team, world
):
    client.force_login(member)
    data = _post_data(world, action="complete", learning_2="", learning_3="")
    data.pop(f"explain_{world['missed'].id}")
    response = client.post(_url(cycle, team), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Not complete yet" in body and "(there is 1)" in body
    assert "Ship the onboarding flow" in body
    assert Review.objects.get().completed_at is None
    assert Review.objects.get().overview == "Good enough"


def test_viewers_read_but_cannot_post(client, viewer, member, cycle, team, world):
    retro_services.retrospective_save(actor=member, cycle=cycle, unit=team, **retro_kwargs())
    client.force_login(viewer)
    body = client.get(_url(cycle, team)).content.decode()
    assert "A solid cycle" in body and "Small weekly targets" in body
    assert "Save draft" not in body
    assert client.post(_url(cycle, team), _post_data(world)).status_code == 403


def test_the_page_is_for_teams_only(client, org, admin, cycle):
    client.force_login(admin)
    department = f.make_unit(org, "Dept", kind="department")
    assert client.get(_url(cycle, department)).status_code == 404


def test_anonymous_is_sent_to_login(client, cycle, team):
    response = client.get(_url(cycle, team))
    assert response.status_code == 302 and "login" in response["Location"]


# The coach reads scores and retrospective explanations ----------------------------------------


def _open_checks(org, cycle, objective=None):
    from cadence.coach import selectors as coach_selectors

    quality = coach_selectors.quality_for_cycle(org, cycle, viewer=f.ALL)
    return {
        (f.check_id, f.objective.title if f.objective else f.unit.name)
        for u in quality.units
        for f in u.open
    }


def test_coach_asks_for_an_explanation_until_the_retrospective_gives_one(
    org, admin, member, cycle, team, world
):
    assert ("committed-missed", "Ship the onboarding flow") not in _open_checks(org, cycle)
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    assert ("committed-missed", "Ship the onboarding flow") in _open_checks(org, cycle)
    retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        **retro_kwargs(explanations={world["missed"].id: "Late vendor"}),
    )
    assert ("committed-missed", "Ship the onboarding flow") not in _open_checks(org, cycle)


def test_coach_flags_a_team_that_scored_1_everywhere(org, admin, cycle, team):
    approved(admin, cycle, team, "Easy one", progress=100)
    approved(admin, cycle, team, "Easy two", progress=100)
    assert ("all-achieved", team.name) not in _open_checks(org, cycle)
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    assert ("all-achieved", team.name) in _open_checks(org, cycle)


def test_objectives_explained_are_those_with_a_note_of_text(org, member, cycle, team, world):
    """What the coach's committed-missed check asks: a note with text explains its objective;
    an emptied note and another organization's ids do not count."""
    ids = [world["missed"].id, world["stretch"].id, world["top"].id]
    assert retro_selectors.objectives_explained(org.id, ids) == set()
    retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        **retro_kwargs(
            explanations={world["missed"].id: "Late vendor.", world["stretch"].id: "Stretch."}
        ),
    )
    assert retro_selectors.objectives_explained(org.id, ids) == {
        world["missed"].id,
        world["stretch"].id,
    }
    other, _ = f.make_org("Elsewhere")
    assert retro_selectors.objectives_explained(other.id, ids) == set()
    retro_services.retrospective_save(
        actor=member,
        cycle=cycle,
        unit=team,
        **retro_kwargs(explanations={world["missed"].id: "", world["stretch"].id: "Stretch."}),
    )
    assert retro_selectors.objectives_explained(org.id, ids) == {world["stretch"].id}
