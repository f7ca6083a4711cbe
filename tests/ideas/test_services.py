"""The ideas services: who opens, answers, votes and leads a round; the open period; one vote
per person; promotion makes exactly one draft objective linked both ways; declines."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.audit.models import Event
from cadence.core.errors import Conflict
from cadence.feed import notices
from cadence.feed.models import Notification
from cadence.ideas import rules, selectors, services
from cadence.ideas.models import Idea, Prompt, Round, Vote
from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from tests import factories as f
from tests.ideas.conftest import CLOSES, open_round

AFTER = date(2026, 11, 30)


def _idea(ideas_round, author, title="Pair on the hard tickets", **kw):
    prompt = ideas_round.prompts.first()
    return services.idea_add(actor=author, prompt=prompt, title=title, **kw)


def _kinds(target) -> list[str]:
    return list(
        Event.objects.filter(target_id=str(target.pk))
        .order_by("created_at")
        .values_list("kind", flat=True)
    )


# Opening a round ---------------------------------------------------------------------------


def test_leads_of_the_unit_or_above_and_admins_open_a_round(world):
    for person in (world.ana, world.viewer, world.other):
        with pytest.raises(PermissionDenied):
            open_round(world, actor=person)
    other_lead = f.make_person(world.org)
    f.join(world.other_team, other_lead, "lead")
    with pytest.raises(PermissionDenied):
        open_round(world, actor=other_lead)
    # A team's lead cannot ask the whole organization; admins and company leads can.
    with pytest.raises(PermissionDenied):
        open_round(world, actor=world.lead, unit=world.company)
    assert not Round.objects.exists()
    assert open_round(world, actor=world.head).unit == world.team
    assert open_round(world, actor=world.admin, unit=world.company).unit == world.company
    with pytest.raises(PermissionDenied):
        open_round(world, actor=world.lead, unit=world.department)
    assert open_round(world, actor=world.head, unit=world.department).unit == world.department


def test_a_round_keeps_its_prompts_defaults_or_its_own(world):
    ideas_round = open_round(world)
    assert [p.text for p in ideas_round.prompts.all()] == list(rules.DEFAULT_PROMPTS)
    own = open_round(
        world, actor=world.admin, unit=world.company, prompts=["What slows releases?", " "]
    )
    assert [p.text for p in own.prompts.all()] == ["What slows releases?"]
    assert _kinds(ideas_round) == ["ideas_round.opened"]
    event = Event.objects.get(target_id=str(own.pk))
    assert event.changes["prompts"] == [None, ["What slows releases?"]]


@pytest.mark.parametrize(
    ("opens_on", "closes_on", "field"),
    [
        (date(2026, 11, 22), CLOSES, "opens_on"),  # yesterday
        (date(2026, 11, 25), date(2026, 11, 24), "closes_on"),  # before it opens
        (date(2026, 11, 23), date(2026, 12, 24), "closes_on"),  # 32 days
        (date(2027, 3, 20), date(2027, 4, 2), "closes_on"),  # after the cycle ends
    ],
)
def test_the_period_is_bounded_and_nothing_is_saved(world, opens_on, closes_on, field):
    with pytest.raises(ValidationError) as error:
        open_round(world, opens_on=opens_on, closes_on=closes_on)
    assert field in error.value.error_dict
    assert not Round.objects.exists() and not Prompt.objects.exists()
    assert not Notification.objects.exists()


def test_closed_or_past_cycles_empty_prompts_and_a_second_round_are_refused(world):
    with pytest.raises(ValidationError) as error:
        open_round(world, prompts=["", " "])
    assert "prompts" in error.value.error_dict
    past = f.make_cycle(world.admin, name="Q3", start=date(2026, 7, 1), end=date(2026, 9, 30))
    with pytest.raises(ValidationError) as error:
        services.ideas_round_open(
            actor=world.admin,
            unit=world.team,
            cycle=past,
            opens_on=date(2026, 11, 23),
            closes_on=date(2026, 11, 24),
        )
    assert "cycle" in error.value.error_dict
    open_round(world)
    with pytest.raises(Conflict):
        open_round(world, actor=world.admin)
    assert Round.objects.count() == 1


def test_opening_tells_the_people_it_asks(world):
    ideas_round = open_round(world)
    told = set(
        Notification.objects.filter(kind=notices.IDEAS_ROUND).values_list("person__name", flat=True)
    )
    # The team's members and the lead above it; not the opener, viewers or other teams.
    assert told == {"Ana Answer", "Ben Backer", "Hana Head"}
    note = Notification.objects.filter(kind=notices.IDEAS_ROUND).first()
    assert note.url == f"/ideas/rounds/{ideas_round.pk}/" and "Q1 2027" in note.text
    Notification.objects.all().delete()
    open_round(world, actor=world.admin, unit=world.company)
    everyone = set(
        Notification.objects.filter(kind=notices.IDEAS_ROUND).values_list("person__name", flat=True)
    )
    assert everyone == {"Ana Answer", "Ben Backer", "Hana Head", "Leo Lead", "Ola Other"}


# Answering, voting, commenting --------------------------------------------------------------


def test_who_answers_a_unit_round_and_an_organization_round(world):
    team_round = open_round(world)
    for person in (world.other, world.viewer):
        with pytest.raises(PermissionDenied):
            _idea(team_round, person)
    for person in (world.ana, world.lead, world.head, world.admin):
        _idea(team_round, person, title=f"From {person.name}")
    org_round = open_round(world, actor=world.admin, unit=world.company)
    _idea(org_round, world.other)
    with pytest.raises(PermissionDenied):
        _idea(org_round, world.viewer)
    # Viewers still read the organization's round; other teams do not read this team's.
    assert selectors.RoundAccess(world.viewer).can_read(org_round)
    assert selectors.RoundAccess(world.viewer).can_read(team_round)
    assert not selectors.RoundAccess(world.other).can_read(team_round)


def test_ideas_are_taken_only_while_the_round_is_open(world):
    ideas_round = open_round(world, opens_on=date(2026, 11, 25))
    with pytest.raises(Conflict, match="opens on"):
        _idea(ideas_round, world.ana)
    idea = _idea(ideas_round, world.ana, today=date(2026, 11, 25))
    with pytest.raises(Conflict, match="closed"):
        _idea(ideas_round, world.ana, today=AFTER)
    with pytest.raises(Conflict):
        services.idea_vote_set(actor=world.ben, idea=idea, on=True, today=AFTER)
    with pytest.raises(Conflict):
        services.idea_comment_add(actor=world.ben, idea=idea, text="Yes", today=AFTER)
    assert Idea.objects.count() == 1 and not Vote.objects.exists()


def test_an_idea_has_a_title_and_bounded_text(world):
    ideas_round = open_round(world)
    with pytest.raises(ValidationError) as error:
        _idea(ideas_round, world.ana, title="  ", detail="x" * 2001)
    assert set(error.value.error_dict) == {"title", "detail"}
    with pytest.raises(ValidationError):
        _idea(ideas_round, world.ana, title="x" * 201)
    idea = _idea(ideas_round, world.ana, title="  Demo every Friday ", detail=" Short ones ")
    assert (idea.title, idea.detail, idea.author) == ("Demo every Friday", "Short ones", world.ana)
    assert _kinds(idea) == ["idea.added"]


def test_one_vote_per_person_toggled_never_on_ones_own_idea(world):
    ideas_round = open_round(world)
    idea = _idea(ideas_round, world.ana)
    with pytest.raises(ValidationError):
        services.idea_vote_toggle(actor=world.ana, idea=idea)
    with pytest.raises(PermissionDenied):
        services.idea_vote_toggle(actor=world.viewer, idea=idea)
    assert services.idea_vote_toggle(actor=world.ben, idea=idea) is True
    assert services.idea_vote_set(actor=world.ben, idea=idea, on=True) is True  # still one
    assert services.idea_vote_toggle(actor=world.lead, idea=idea) is True
    assert selectors.vote_count(idea) == 2
    assert services.idea_vote_toggle(actor=world.ben, idea=idea) is False
    assert services.idea_vote_set(actor=world.ben, idea=idea, on=False) is False
    assert list(Vote.objects.values_list("person", flat=True)) == [world.lead.pk]
    # Asking for what already holds records nothing.
    assert _kinds(idea) == ["idea.added", "idea.voted", "idea.voted", "idea.unvoted"]


def test_comments(world):
    ideas_round = open_round(world)
    idea = _idea(ideas_round, world.ana)
    with pytest.raises(ValidationError):
        services.idea_comment_add(actor=world.ben, idea=idea, text=" ")
    with pytest.raises(PermissionDenied):
        services.idea_comment_add(actor=world.other, idea=idea, text="Me too")
    comment = services.idea_comment_add(actor=world.ben, idea=idea, text=" Me too ")
    assert (comment.text, comment.author) == ("Me too", world.ben)
    assert _kinds(idea)[-1] == "idea.commented"


# Promoting and declining ------------------------------------------------------------------


def test_promotion_makes_exactly_one_draft_linked_both_ways(world):
    ideas_round = open_round(world)
    idea = _idea(ideas_round, world.ana, detail="Fewer handovers")
    before = okr_selectors.objectives_of(world.org, viewer=f.ALL).count()
    objective = services.idea_promote(
        actor=world.lead, idea=idea, title="Ship in smaller steps", why="Fewer handovers"
    )
    assert okr_selectors.objectives_of(world.org, viewer=f.ALL).count() == before + 1
    assert (objective.state, objective.unit, objective.cycle) == (
        Objective.State.DRAFT,
        world.team,
        world.cycle,
    )
    assert (objective.title, objective.why) == ("Ship in smaller steps", "Fewer handovers")
    idea.refresh_from_db()
    assert (idea.state, idea.objective, idea.decided_by) == ("promoted", objective, world.lead)
    assert selectors.idea_for_objective(world.org, objective) == idea
    assert _kinds(idea)[-1] == "idea.promoted"
    told = Notification.objects.get(kind=notices.IDEA_PROMOTED)
    assert (told.person, told.objective, told.url) == (
        world.ana,
        objective,
        f"/objectives/{objective.pk}/",
    )
    # Once only: a second promotion (or a decline) is refused and creates nothing.
    with pytest.raises(Conflict):
        services.idea_promote(actor=world.admin, idea=idea, title="Again")
    with pytest.raises(Conflict):
        services.idea_decline(actor=world.admin, idea=idea, reason="No")
    assert okr_selectors.objectives_of(world.org, viewer=f.ALL).count() == before + 1


def test_who_promotes(world):
    ideas_round = open_round(world)
    ideas = [_idea(ideas_round, world.ana, title=f"Idea {n}") for n in range(4)]
    for person in (world.ben, world.viewer, world.other):
        with pytest.raises(PermissionDenied):
            services.idea_promote(actor=person, idea=ideas[0], title="Mine")
    assert not okr_selectors.objectives_of(world.org, viewer=f.ALL).exists()
    for idea, person in zip(ideas[:3], (world.lead, world.head, world.admin), strict=True):
        services.idea_promote(actor=person, idea=idea, title=idea.title)
    # The opener leads the round even when not a lead of the unit (an admin's round here).
    org_round = open_round(world, actor=world.admin, unit=world.company)
    idea = _idea(org_round, world.ana)
    with pytest.raises(PermissionDenied):
        services.idea_promote(actor=world.lead, idea=idea, title="Not a company lead")
    assert selectors.RoundAccess(world.admin).can_lead(org_round)


def test_a_bad_title_saves_nothing(world):
    ideas_round = open_round(world)
    idea = _idea(ideas_round, world.ana)
    with pytest.raises(ValidationError):
        services.idea_promote(actor=world.lead, idea=idea, title="")
    idea.refresh_from_db()
    assert idea.state == "open" and idea.objective is None
    assert not okr_selectors.objectives_of(world.org, viewer=f.ALL).exists()


def test_a_deleted_objective_leaves_the_idea_promoted_without_a_link(world):
    ideas_round = open_round(world)
    idea = _idea(ideas_round, world.ana)
    objective = services.idea_promote(actor=world.lead, idea=idea, title=idea.title)
    okr_services.objective_delete(actor=world.lead, objective=objective)
    idea.refresh_from_db()
    assert idea.state == "promoted" and idea.objective is None
    row = selectors.ideas_of(ideas_round)[0]
    assert row.objective is None


def test_declines_need_a_reason_and_a_leader(world):
    ideas_round = open_round(world)
    idea = _idea(ideas_round, world.ana)
    with pytest.raises(PermissionDenied):
        services.idea_decline(actor=world.ben, idea=idea, reason="No")
    with pytest.raises(ValidationError):
        services.idea_decline(actor=world.lead, idea=idea, reason="  ")
    declined = services.idea_decline(actor=world.lead, idea=idea, reason=" Not this quarter ")
    assert (declined.state, declined.decline_reason) == ("declined", "Not this quarter")
    assert _kinds(idea)[-1] == "idea.declined"
    with pytest.raises(Conflict):
        services.idea_promote(actor=world.lead, idea=idea, title=idea.title)
    # Decisions can come after the round closed.
    other = _idea(ideas_round, world.ben)
    Round.objects.filter(pk=ideas_round.pk).update(
        opens_on=date(2026, 11, 16), closes_on=date(2026, 11, 20)
    )
    other.refresh_from_db()
    services.idea_decline(actor=world.lead, idea=other, reason="Later")
