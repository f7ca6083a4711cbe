"""Coach writes: settings, dismissals, and the error-level gate in the okrs services."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadence.coach import selectors, services
from cadence.coach.models import CheckSetting, Dismissal
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective
from tests import factories as f


@pytest.fixture
def objective(member, cycle, team):
    # One key result: obj-kr-count (warn) fires for a team objective.
    objective = f.make_objective(member, cycle, team, title="Onboarding people finish")
    f.make_kr(member, objective, title="Completion from 13% to 45%", start=13, target=45)
    return objective


def test_admin_changes_a_checks_level_and_switches_it_off(admin, org):
    services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=True, level="error")
    assert selectors.settings_of(org).level_of("kr-no-number") == "error"
    services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=False, level=None)
    assert selectors.settings_of(org).level_of("kr-no-number") is None
    assert CheckSetting.objects.get(organization=org, check_id="kr-no-number").changed_by == admin
    # Back to the default level: stored as "no override".
    services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=True, level="warn")
    assert selectors.settings_of(org).overrides == {}


def test_settings_are_admins_only_and_validated(admin, member):
    with pytest.raises(PermissionDenied):
        services.check_setting_update(actor=member, check_id="kr-no-number", enabled=False)
    with pytest.raises(ValidationError) as e:
        services.check_setting_update(actor=admin, check_id="no-such-check", enabled=False)
    assert "check_id" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.check_setting_update(actor=admin, check_id="kr-binary", enabled=True, level="loud")
    assert "level" in e.value.message_dict
    with pytest.raises(ValidationError):
        services.check_setting_update(actor=admin, check_id="kr-start-equals-target", enabled=False)
    assert not CheckSetting.objects.exists()


def test_settings_of_one_org_do_not_touch_another(admin, org, outsider):
    services.check_setting_update(actor=admin, check_id="kr-binary", enabled=False)
    assert selectors.settings_of(outsider.organization).level_of("kr-binary") == "warn"
    assert selectors.settings_of(org).level_of("kr-binary") is None


# The gate -----------------------------------------------------------------------------------


def test_default_settings_do_not_block_warnings(member, objective):
    kr = f.make_kr(
        member, objective, title="Launch the new website", start=None, target=None, kind="milestone"
    )
    assert kr.pk


def test_raised_level_blocks_create_and_update_with_a_clear_message(admin, member, objective):
    services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=True, level="error")
    with pytest.raises(ValidationError) as e:
        okr_services.key_result_create(
            actor=member, objective=objective, title="Improve onboarding", kind="milestone"
        )
    message = e.value.message_dict["title"][0]
    assert "Key result without a number" in message and "Fix this to save" in message
    assert KeyResult.objects.filter(title="Improve onboarding").count() == 0
    kr = objective.key_results.get()
    with pytest.raises(ValidationError) as e:
        okr_services.key_result_update(
            actor=member, key_result=kr, title="Improve onboarding", kind="milestone"
        )
    assert "title" in e.value.message_dict
    kr.refresh_from_db()
    assert kr.title == "Completion from 13% to 45%"
    # Switched off: the same key result saves.
    services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=False)
    okr_services.key_result_update(
        actor=member, key_result=kr, title="Improve onboarding", kind="milestone"
    )


def test_raised_objective_check_blocks_objective_writes(admin, member, cycle, team, objective):
    services.check_setting_update(
        actor=admin, check_id="obj-has-metric", enabled=True, level="error"
    )
    with pytest.raises(ValidationError) as e:
        f.make_objective(member, cycle, team, title="Grow revenue by 20%")
    assert "Numbers in the objective" in e.value.message_dict["title"][0]
    with pytest.raises(ValidationError):
        okr_services.objective_update(actor=member, objective=objective, title="Reach 50 clinics")
    assert not Objective.objects.filter(title__contains="clinics").exists()


# Dismissals ---------------------------------------------------------------------------------


def test_dismiss_records_who_and_why_and_hides_the_finding(member, objective):
    dismissal = services.finding_dismiss(
        actor=member,
        check_id="obj-kr-count",
        reason="  The second one comes after the pilot.  ",
        objective=objective,
    )
    assert (dismissal.dismissed_by, dismissal.reason) == (
        member,
        "The second one comes after the pilot.",
    )
    found = _findings(objective)
    assert "obj-kr-count" not in {x.check_id for x in found.open}
    assert [x.check_id for x in found.dismissed] == ["obj-kr-count"]
    services.dismissal_withdraw(actor=member, dismissal=dismissal)
    assert not Dismissal.objects.exists()
    assert "obj-kr-count" in {x.check_id for x in _findings(objective).open}


def _findings(objective):
    from cadence.okrs.selectors import objective_with_progress

    annotated, board = objective_with_progress(objective.organization, objective, viewer=f.ALL)
    return selectors.findings_for_objective(objective.organization, annotated, board)


def test_dismiss_refuses_bad_requests(admin, member, viewer, objective, team, cycle):
    kr = objective.key_results.get()
    with pytest.raises(ValidationError) as e:
        services.finding_dismiss(
            actor=member, check_id="obj-kr-count", reason=" ", objective=objective
        )
    assert "reason" in e.value.message_dict
    with pytest.raises(ValidationError) as e:  # not firing on this key result
        services.finding_dismiss(actor=member, check_id="kr-no-number", reason="x", key_result=kr)
    assert "check_id" in e.value.message_dict
    with pytest.raises(ValidationError):  # a key result check about an objective
        services.finding_dismiss(
            actor=member, check_id="kr-no-number", reason="x", objective=objective
        )
    with pytest.raises(ValidationError):
        services.finding_dismiss(actor=member, check_id="nope", reason="x", objective=objective)
    with pytest.raises(PermissionDenied):
        services.finding_dismiss(
            actor=viewer, check_id="obj-kr-count", reason="x", objective=objective
        )
    services.finding_dismiss(actor=member, check_id="obj-kr-count", reason="x", objective=objective)
    with pytest.raises(ValidationError):  # twice
        services.finding_dismiss(
            actor=member, check_id="obj-kr-count", reason="y", objective=objective
        )
    assert Dismissal.objects.count() == 1


def test_errors_cannot_be_dismissed(admin, member, objective):
    services.check_setting_update(actor=admin, check_id="obj-kr-count", enabled=True, level="error")
    with pytest.raises(ValidationError) as e:
        services.finding_dismiss(
            actor=member, check_id="obj-kr-count", reason="x", objective=objective
        )
    assert "cannot be dismissed" in e.value.message_dict["check_id"][0]


def test_unit_finding_dismissal_per_cycle(admin, team, cycle, member):
    for i in range(6):
        f.make_objective(member, cycle, team, title=f"Objective number {i}")
    with pytest.raises(ValidationError):
        services.finding_dismiss(
            actor=member, check_id="unit-too-many-objectives", reason="x", unit=team
        )
    dismissal = services.finding_dismiss(
        actor=member,
        check_id="unit-too-many-objectives",
        reason="A reorganisation",
        unit=team,
        cycle=cycle,
    )
    quality = selectors.quality_for_cycle(
        team.organization, cycle, today=date(2026, 11, 1), viewer=f.ALL
    )
    (uq,) = quality.units
    assert [x.dismissal for x in uq.dismissed if x.subject == "unit"] == [dismissal]
    assert not [x for x in uq.open if x.subject == "unit"]


def test_outsider_cannot_dismiss_or_withdraw(member, outsider, objective):
    with pytest.raises(PermissionDenied):
        services.finding_dismiss(
            actor=outsider, check_id="obj-kr-count", reason="x", objective=objective
        )
    d = services.finding_dismiss(
        actor=member, check_id="obj-kr-count", reason="x", objective=objective
    )
    with pytest.raises(ValidationError):  # not found in the outsider's organization
        services.dismissal_withdraw(actor=outsider, dismissal=d)
    assert Dismissal.objects.count() == 1


def test_stale_key_result_is_dismissable_warning(member, objective):
    kr = objective.key_results.get()
    KeyResult.objects.filter(pk=kr.pk).update(created_at=timezone.make_aware(datetime(2026, 10, 1)))
    from cadence.okrs.selectors import objective_with_progress

    annotated, board = objective_with_progress(
        objective.organization,
        objective,
        today=date(2026, 11, 1),
        viewer=f.ALL,
    )
    found = selectors.findings_for_objective(objective.organization, annotated, board)
    stale = [x for x in found.open if x.check_id == "okr-stale"]
    assert stale and stale[0].key_result.id == kr.id


def test_all_achieved_can_be_dismissed_once_scored(admin, team, cycle, member):
    """The unit-level check judged at dismissal sees the same scores as the quality page."""
    from cadence.scoring import services as scoring_services

    for i in range(2):
        o = f.make_objective(
            admin, cycle, team, title=f"Delight customers, part {i}", state="approved"
        )
        f.make_kr(admin, o, title="Weekly actives from 10 to 20", start=10, target=20)
        kr = o.key_results.get()
        okr_services.check_in_create(actor=admin, key_result=kr, value=20, confidence="on_track")
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    quality = selectors.quality_for_cycle(
        team.organization, cycle, today=date(2026, 11, 1), viewer=f.ALL
    )
    (uq,) = quality.units
    assert "all-achieved" in [x.check.id for x in uq.open if x.subject == "unit"]
    dismissal = services.finding_dismiss(
        actor=member,
        check_id="all-achieved",
        reason="Both were committed objectives with fixed dates.",
        unit=team,
        cycle=cycle,
    )
    assert dismissal.check_id == "all-achieved"


def test_settings_page_changes_are_saved_all_or_none(admin, member, org):
    with pytest.raises(PermissionDenied):
        services.check_settings_update(actor=member, changes=[])
    with pytest.raises(ValidationError):
        services.check_settings_update(
            actor=admin,
            changes=[("kr-no-number", True, "error"), ("kr-start-equals-target", False, "")],
        )
    # The fixed check refused the whole save: the first row was not kept either.
    assert not CheckSetting.objects.filter(organization=org).exists()
    services.check_settings_update(
        actor=admin, changes=[("kr-no-number", True, "error"), ("kr-binary", False, "")]
    )
    assert selectors.settings_of(org).overrides == {"kr-no-number": "error", "kr-binary": None}


def test_who_may_dismiss_is_one_rule_for_the_service_and_the_pages(
    member, viewer, outsider, objective, team
):
    assert services.can_dismiss(member, team)
    assert not services.can_dismiss(viewer, team)
    assert not services.can_dismiss(outsider, team)
    with pytest.raises(PermissionDenied):
        services.finding_dismiss(
            actor=viewer, check_id="obj-kr-count", reason="Pilot", objective=objective
        )
    services.finding_dismiss(
        actor=member, check_id="obj-kr-count", reason="Pilot", objective=objective
    )
    assert Dismissal.objects.count() == 1
