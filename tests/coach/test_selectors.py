"""Coach reads: live findings under settings, findings of stored OKRs, the quality of a cycle."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cadence.coach import checks, selectors, services
from cadence.okrs import services as okr_services
from cadence.okrs.selectors import objective_with_progress
from tests import factories as f

TODAY = date(2026, 11, 1)


def _ids(findings):
    return [x.check for x in findings]


def test_done_when_sentences():
    s = checks.Settings()
    weak = selectors.live_findings(s, subject="key_result", title="Launch the new website")
    assert "kr-output-verb" in _ids(weak)
    output = next(x for x in weak if x.check == "kr-output-verb")
    assert output.level == "warn" and "result" in output.message.lower()
    strong = selectors.live_findings(
        s, subject="key_result", title="Increase organic signups from 200 to 300 a month"
    )
    assert strong == []


def test_live_findings_follow_settings():
    title = "Launch the new website"
    off = checks.Settings(overrides={"kr-output-verb": None})
    assert "kr-output-verb" not in _ids(
        selectors.live_findings(off, subject="key_result", title=title)
    )
    raised = checks.Settings(overrides={"kr-output-verb": "error"})
    found = selectors.live_findings(raised, subject="key_result", title=title)
    assert found[0].check == "kr-output-verb" and found[0].level == "error"


def test_settings_of_is_one_query(admin, org):
    services.check_setting_update(actor=admin, check_id="kr-binary", enabled=False)
    services.check_setting_update(actor=admin, check_id="okr-stale", enabled=True, level="info")
    with CaptureQueriesContext(connection) as ctx:
        settings = selectors.settings_of(org)
    assert len(ctx.captured_queries) == 1
    assert settings.overrides == {"kr-binary": None, "okr-stale": "info"}


def test_catalogue_shows_effective_levels(admin, org):
    services.check_setting_update(actor=admin, check_id="kr-binary", enabled=False)
    services.check_setting_update(actor=admin, check_id="okr-stale", enabled=True, level="info")
    entries = {e.check.id: e for e in selectors.catalogue(org)}
    assert set(entries) == set(checks.CHECKS)
    assert (entries["kr-binary"].enabled, entries["kr-binary"].changed) == (False, True)
    assert (entries["okr-stale"].level, entries["okr-stale"].changed) == ("info", True)
    assert (entries["kr-no-number"].level, entries["kr-no-number"].changed) == ("warn", False)


def _build(admin, member, cycle, team, company):
    top = f.make_objective(admin, cycle, company, title="Clinics choose us")
    weak = f.make_objective(member, cycle, team, title="Grow revenue by 20%", parent=top)
    f.make_kr(member, weak, title="Launch the new website", kind="milestone")
    strong = f.make_objective(member, cycle, team, title="Onboarding people finish", parent=top)
    f.make_kr(member, strong, title="Completion from 13% to 45%", start=13, target=45)
    f.make_kr(member, strong, title="Activation from 20% to 30%", start=20, target=30)
    return top, weak, strong


@pytest.fixture
def company(org):
    from cadence.orgs.selectors import company_unit

    return company_unit(org)


def test_findings_for_objective_cover_objective_and_key_results(
    admin, member, cycle, team, company
):
    _, weak, strong = _build(admin, member, cycle, team, company)
    annotated, board = objective_with_progress(weak.organization, weak, today=TODAY, viewer=f.ALL)
    found = selectors.findings_for_objective(weak.organization, annotated, board)
    by_subject = {(x.subject, x.check_id) for x in found.open}
    assert ("objective", "obj-has-metric") in by_subject
    assert ("objective", "obj-kr-count") in by_subject
    assert ("key_result", "kr-output-verb") in by_subject
    assert ("key_result", "kr-binary") in by_subject
    kr_finding = next(x for x in found.open if x.check_id == "kr-output-verb")
    assert kr_finding.url.endswith(f"#kr-{weak.key_results.get().id}")
    annotated, board = objective_with_progress(
        strong.organization, strong, today=TODAY, viewer=f.ALL
    )
    assert selectors.findings_for_objective(strong.organization, annotated, board).open == []


def test_quality_scores_units_and_counts_checks(admin, member, cycle, team, company):
    _build(admin, member, cycle, team, company)
    quality = selectors.quality_for_cycle(team.organization, cycle, today=TODAY, viewer=f.ALL)
    units = {u.unit.name: u for u in quality.units}
    # Company first (tree order), then the team.
    assert [u.unit.id for u in quality.units] == [company.id, team.id]
    product = units["Product"]
    # Judged: 2 objectives + 3 key results; weak objective and its key result have warnings.
    assert (product.item_count, product.strong_count, product.score) == (5, 3, 60)
    # The company objective has no key results: obj-kr-count does not apply to company level.
    assert units[company.name].score == 100
    counts = {c.check.id: c.open for c in quality.counts}
    assert counts["obj-has-metric"] == 1 and counts["kr-output-verb"] == 1


def test_unit_warning_lowers_the_score(member, cycle, team):
    for name in "ABCDEF":
        o = f.make_objective(member, cycle, team, title=f"Objective {name}")
        f.make_kr(member, o, title=f"Result {name} from 1 to 2", start=1, target=2)
        f.make_kr(member, o, title=f"Other {name} from 1 to 3", start=1, target=3)
    quality = selectors.quality_for_cycle(team.organization, cycle, today=TODAY, viewer=f.ALL)
    (uq,) = quality.units
    assert [x.check_id for x in uq.open if x.subject == "unit"] == ["unit-too-many-objectives"]
    assert uq.score == 100 - selectors.UNIT_FINDING_PENALTY


def test_abandoned_objectives_are_not_judged(member, cycle, team):
    o = f.make_objective(member, cycle, team, title="Grow revenue by 20%")
    okr_services.objective_set_state(actor=member, objective=o, state="abandoned", reason="Gone")
    assert (
        selectors.quality_for_cycle(team.organization, cycle, today=TODAY, viewer=f.ALL).units == []
    )


def test_achieved_early_uses_check_in_history(member, cycle, team):
    o = f.make_objective(member, cycle, team, title="Onboarding people finish")
    kr = f.make_kr(member, o, title="Completion from 10 to 20", start=10, target=20)
    f.make_kr(member, o, title="Activation from 1 to 2", start=1, target=2)
    early = timezone.make_aware(datetime(2026, 10, 20))
    for k in o.key_results.all():
        okr_services.check_in_create(
            actor=member, key_result=k, value=k.target, confidence="on_track", at=early
        )
    annotated, board = objective_with_progress(o.organization, o, today=TODAY, viewer=f.ALL)
    found = selectors.findings_for_objective(o.organization, annotated, board)
    assert "achieved-early" in {x.check_id for x in found.open}
    assert kr.pk


def test_repeated_objective_is_noticed(admin, member, team):
    q3 = f.make_cycle(admin, name="Q3", start=date(2026, 7, 1), end=date(2026, 9, 30))
    q4 = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    f.make_objective(member, q3, team, title="Keep customers happy")
    o = f.make_objective(member, q4, team, title="Keep customers happy!")
    annotated, board = objective_with_progress(o.organization, o, today=TODAY, viewer=f.ALL)
    found = selectors.findings_for_objective(o.organization, annotated, board)
    assert "obj-repeats" in {x.check_id for x in found.open}


def test_quality_queries_do_not_grow(admin, member, cycle, team, company):
    def grow(n, start):
        for i in range(start, start + n):
            unit = f.make_unit(team.organization, f"Team {i}")
            f.join(unit, member)
            o = f.make_objective(member, cycle, unit, title=f"Objective {i}")
            kr = f.make_kr(member, o, title=f"Launch thing {i}", kind="milestone")
            services.finding_dismiss(actor=member, check_id="kr-binary", reason="ok", key_result=kr)

    grow(2, 0)
    with CaptureQueriesContext(connection) as ctx:
        selectors.quality_for_cycle(team.organization, cycle, today=TODAY, viewer=f.ALL)
    small = len(ctx.captured_queries)
    grow(12, 2)
    with CaptureQueriesContext(connection) as ctx:
        quality = selectors.quality_for_cycle(team.organization, cycle, today=TODAY, viewer=f.ALL)
    assert len(ctx.captured_queries) == small
    assert sum(c.dismissed for c in quality.counts if c.check.id == "kr-binary") == 14
