"""The rollout checklist against a hand-built organization: each step ticks itself as the data
shows it, the others are ticked by hand by admins (who and when, audited), and the setup
checklist beside it keeps working.

The clock is the suite's: Monday 23 November 2026, inside the cycle Q4 2026 (October–December)."""

from datetime import date, time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.audit.models import Event
from cadence.okrs import services as okr_services
from cadence.onboarding import services
from cadence.onboarding.rollout_selectors import rollout_checklist, rollout_cycle
from cadence.onboarding.selectors import setup_checklist
from cadence.orgs import unit_services
from cadence.orgs.selectors import company_unit
from cadence.reviews import services as review_services
from tests import factories as f

pytestmark = pytest.mark.django_db


def done(org) -> dict[str, str | None]:
    return {s.id: s.done_by for s in rollout_checklist(org).steps if s.done}


def proposed(admin, cycle, unit, title, state="proposed", **kw):
    """A team objective drafted with two key results, then proposed (and approved)."""
    objective = f.make_objective(admin, cycle, unit, title=title, **kw)
    f.make_kr(admin, objective, title="Trial to paid conversion from 10% to 14%")
    f.make_kr(admin, objective, title="Weekly active accounts from 400 to 520")
    okr_services.objective_set_state(actor=admin, objective=objective, state="proposed")
    if state == "approved":
        okr_services.objective_set_state(actor=admin, objective=objective, state="approved")
    return objective


def test_a_new_organization_has_nothing_done_and_no_cycle(org_admin):
    org, _ = org_admin
    checklist = rollout_checklist(org)
    assert checklist.done_count == 0 and checklist.cycle is None
    assert checklist.next_step.id == "learn"
    assert [s.link for s in checklist.steps][:2] == [reverse("coach_guide"), "/settings/units/"]


def test_the_steps_tick_themselves_as_the_organization_is_built(org_admin):
    org, admin = org_admin
    product = f.make_unit(org, "Product", kind="department")
    growth = f.make_unit(org, "Growth", parent=product)
    sales = f.make_unit(org, "Sales")
    assert done(org) == {"levels": "auto"}

    cycle = f.make_cycle(admin, name="Q4 2026")
    assert rollout_cycle(org, date(2026, 11, 23)) == cycle
    company = f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    assert set(done(org)) == {"levels", "company_objectives"}

    # A draft is not drafted for the checklist: teams propose theirs.
    f.make_objective(admin, cycle, growth, title="Onboarding that works")
    assert "teams_drafted" not in done(org)
    proposed(admin, cycle, growth, "Sign-ups grow", parent=company)
    checklist = rollout_checklist(org)
    step = next(s for s in checklist.steps if s.id == "teams_drafted")
    assert not step.done
    assert step.detail == "1 of 2 teams have proposed objectives; still to come: Sales."
    # Product is not a leaf (Growth is below it): only the leaves draft.
    proposed(
        admin,
        cycle,
        sales,
        "Deals close sooner",
        state="approved",
        standalone_reason="Our own market this quarter",
    )
    assert done(org)["teams_drafted"] == "auto"
    # Each aligns, or says why it stands alone (the approval conversation asks for it too).
    assert done(org)["aligned"] == "auto"

    # The weekly slot: a team's deadline moved from the default counts.
    assert "weekly_slot" not in done(org)
    unit_services.unit_update(actor=admin, unit=sales, checkin_weekday=3, checkin_time=time(9))
    assert done(org)["weekly_slot"] == "auto"

    # Reviews: one on record in this cycle (or before) shows they are held.
    assert "reviews" not in done(org)
    review_services.review_save(
        actor=admin,
        cycle=cycle,
        unit=company_unit(org),
        kind="monthly",
        period=date(2026, 10, 1),
        answers={},
        notes="We went through every objective.",
    )
    assert done(org)["reviews"] == "auto"
    # Left by hand only: learning the method and the alignment session.
    assert set(done(org)) == {
        "levels",
        "company_objectives",
        "teams_drafted",
        "aligned",
        "weekly_slot",
        "reviews",
    }


def test_an_archived_team_and_an_abandoned_objective_do_not_count(org_admin):
    org, admin = org_admin
    cycle = f.make_cycle(admin, name="Q4 2026")
    growth = f.make_unit(org, "Growth")
    old = f.make_unit(org, "Old team")
    unit_services.unit_archive(actor=admin, unit=old)
    objective = f.make_objective(admin, cycle, company_unit(org))
    proposed(admin, cycle, growth, "Sign-ups grow", parent=objective)
    assert {"teams_drafted", "aligned", "company_objectives"} <= set(done(org))
    okr_services.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="Not now"
    )
    assert "company_objectives" not in done(org)


def test_the_cycle_being_planned_is_read_when_the_current_has_no_company_objective(org_admin):
    org, admin = org_admin
    current = f.make_cycle(admin, name="Q4 2026")
    following = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    assert rollout_cycle(org, date(2026, 11, 23)) == following
    f.make_objective(admin, current, company_unit(org))
    assert rollout_cycle(org, date(2026, 11, 23)) == current


def test_the_setup_checklists_deadline_ticks_the_weekly_slot(org_admin):
    org, admin = org_admin
    f.make_unit(org, "Growth")
    services.checklist_confirm_deadline(actor=admin)
    assert done(org)["weekly_slot"] == "auto"
    # The setup checklist still answers as before.
    setup = setup_checklist(admin)
    assert [s.key for s in setup.steps if s.done] == ["units", "deadline"]


def test_hand_ticks_record_who_and_when_and_are_audited(org_admin):
    org, admin = org_admin
    assert services.rollout_step_tick(actor=admin, step="learn") is True
    assert services.rollout_step_tick(actor=admin, step="learn") is False
    assert services.rollout_step_tick(actor=admin, step="alignment_session") is True
    checklist = rollout_checklist(org)
    learn = next(s for s in checklist.steps if s.id == "learn")
    assert learn.done and learn.done_by == str(admin.pk) and learn.ticked_by == admin
    assert learn.ticked_at is not None and learn.by_hand
    ticked = Event.objects.filter(kind="organization.rollout_step_ticked")
    assert sorted(e.changes["step"][1] for e in ticked) == [
        "Hold the alignment session",
        "Learn the method",
    ]
    assert services.rollout_step_untick(actor=admin, step="learn") is True
    assert services.rollout_step_untick(actor=admin, step="learn") is False
    assert "learn" not in done(org)
    event = Event.objects.get(kind="organization.rollout_step_unticked")
    assert event.changes == {"step": ["Learn the method", None]} and event.actor_id == admin.pk


def test_a_step_that_shows_in_the_data_wins_over_a_hand_tick(org_admin):
    org, admin = org_admin
    services.rollout_step_tick(actor=admin, step="weekly_slot")
    assert done(org)["weekly_slot"] == str(admin.pk)
    f.make_unit(org, "Growth")
    services.checklist_confirm_deadline(actor=admin)
    step = next(s for s in rollout_checklist(org).steps if s.id == "weekly_slot")
    assert step.done_by == "auto" and not step.hand


@pytest.mark.parametrize("step", ["levels", "aligned", "nonsense", ""])
def test_steps_cadence_reads_cannot_be_ticked_by_hand(org_admin, step):
    org, admin = org_admin
    with pytest.raises(ValidationError):
        services.rollout_step_tick(actor=admin, step=step)
    assert done(org) == {}


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_only_admins_tick(org_admin, role):
    org, _ = org_admin
    person = f.make_person(org, role=role)
    with pytest.raises(PermissionDenied):
        services.rollout_step_tick(actor=person, step="learn")
    with pytest.raises(PermissionDenied):
        services.rollout_step_untick(actor=person, step="learn")
    assert done(org) == {}


def test_ticks_stay_in_their_organization(org_admin):
    org, admin = org_admin
    other, other_admin = f.make_org("Other")
    services.rollout_step_tick(actor=other_admin, step="learn")
    assert done(org) == {} and "learn" in done(other)


def test_a_team_objective_left_unaligned_undoes_the_aligned_step(org_admin):
    org, admin = org_admin
    cycle = f.make_cycle(admin, name="Q4 2026")
    growth = f.make_unit(org, "Growth")
    parent = f.make_objective(admin, cycle, company_unit(org))
    f.make_objective(admin, cycle, company_unit(org), title="Customers stay with us")
    proposed(admin, cycle, growth, "Sign-ups grow", parent=parent)
    assert "aligned" in done(org)
    okr_services.objective_delete(actor=admin, objective=parent)
    step = next(s for s in rollout_checklist(org).steps if s.id == "aligned")
    assert not step.done
    assert step.detail == (
        "1 proposed or approved team objective neither aligns nor says why it stands alone."
    )
