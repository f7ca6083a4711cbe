"""The objective page reads a panel that is empty for most objectives only when the flag read
with the objective says there is something in it (cadence.core.flags): each flag says so as
soon as its panel has content, and the page then shows it."""

from datetime import date

from django.urls import reverse
from django.utils import timezone

from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.coach.models import CheckSetting, Dismissal
from cadence.feed.models import Comment, Like
from cadence.ideas.models import Idea, Prompt, Round
from cadence.integrations.models import DataSource
from cadence.kpis.models import Kpi
from cadence.okrs import selectors
from cadence.okrs.models import Objective, TargetChange
from cadence.web.views.objectives import panel_flags
from tests import factories as f


def _flags(org, admin, objective) -> dict:
    read = selectors.objective_get(org, objective.pk, viewer=admin, flags=panel_flags())
    return {name: getattr(read, name) for name in panel_flags()}


def test_each_flag_says_there_is_something_once_its_panel_has_content(org, admin, team, cycle):
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    kr = f.make_kr(admin, objective, title="Activation at 40%", owner=admin)
    assert not any(_flags(org, admin, objective).values())
    other_team = f.make_unit(org, "Platform")
    other = f.make_objective(admin, cycle, other_team, title="Keep the lights on")
    earlier = f.make_cycle(admin, name="Q3 2026", start=date(2026, 7, 1), end=date(2026, 9, 30))
    round_ = Round.objects.create(
        organization=org,
        unit=team,
        cycle=cycle,
        opens_on=date(2026, 10, 1),
        closes_on=date(2026, 10, 8),
        opened_by=admin,
    )
    prompt = Prompt.objects.create(organization=org, round=round_, text="What should we try?")
    content = {
        "has_comments": lambda: Comment.objects.create(
            organization=org, author=admin, text="Nice", key_result=kr
        ),
        "has_likes": lambda: Like.objects.create(organization=org, person=admin, key_result=kr),
        "has_check_settings": lambda: CheckSetting.objects.create(
            organization=org, check_id="objective-no-why", enabled=False, changed_by=admin
        ),
        "unit_had_objectives": lambda: f.make_objective(
            admin, earlier, team, title="Ship the old onboarding"
        ),
        "has_dismissals": lambda: Dismissal.objects.create(
            organization=org,
            check_id="kr-no-baseline",
            key_result=kr,
            reason="Known",
            dismissed_by=admin,
        ),
        "recovers_kpis": lambda: Kpi.objects.create(
            organization=org,
            unit=other_team,
            name="Uptime",
            band_min=99,
            created_by=admin,
            recovery_objective=objective,
        ),
        "unit_has_kpis": lambda: Kpi.objects.create(
            organization=org, unit=team, name="Activation", created_by=admin, band_min=30
        ),
        "has_approval_events": lambda: ApprovalEvent.objects.create(
            organization=org, objective=objective, actor=admin, action="proposed"
        ),
        "has_dependencies": lambda: Dependency.objects.create(
            organization=org,
            objective=other,
            provider=team,
            provider_objective=objective,
            description="Their sign-up form",
            requested_by=admin,
        ),
        "has_carry_links": lambda: Objective.objects.filter(pk=other.pk).update(
            carried_from=objective
        ),
        "has_target_changes": lambda: TargetChange.objects.create(
            organization=org,
            key_result=kr,
            old_target=30,
            new_target=40,
            reason="Too easy",
            actor=admin,
        ),
        "has_data_sources": lambda: DataSource.objects.create(
            organization=org,
            key_result=kr,
            kind="url",
            url="https://example.com/n",
            configured_by=admin,
            next_run_at=timezone.now(),
        ),
        "from_an_idea": lambda: Idea.objects.create(
            organization=org,
            round=round_,
            prompt=prompt,
            author=admin,
            title="Try it",
            objective=objective,
        ),
    }
    assert set(content) == set(panel_flags())
    # One panel's content at a time: its flag turns on, and no other flag with it (a flag read
    # from another panel's table would turn on at that panel's step instead).
    made = set()
    for flag, make in content.items():
        make()
        made.add(flag)
        flags = _flags(org, admin, objective)
        assert {name for name, on in flags.items() if on} == made, flag


def test_a_panel_with_content_is_read(client, org, admin, team, cycle):
    """The flags only spare reads: with a comment, a dependency and an idea, the page shows
    them (their own tests check each panel in full)."""
    objective = f.make_objective(admin, cycle, team, title="Ship the new onboarding")
    other = f.make_objective(admin, cycle, f.make_unit(org, "Platform"), title="Keep it up")
    Comment.objects.create(organization=org, author=admin, text="Looks right", objective=objective)
    Dependency.objects.create(
        organization=org,
        objective=other,
        provider=team,
        provider_objective=objective,
        description="Their sign-up form",
        requested_by=admin,
    )
    client.force_login(admin)
    page = client.get(reverse("objective_detail", args=[objective.pk])).content.decode()
    assert "Looks right" in page and "Their sign-up form" in page
