"""A metric created without a start value takes its first check-in as the start; that value
must not count twice when judging whether the key result has stalled."""

from datetime import UTC, date, datetime, timedelta

from cadence.okrs import selectors, services
from tests import factories as f


def test_first_measurement_as_baseline_is_not_counted_twice(org, admin, team):
    cycle = f.make_cycle(admin, name="Stall cycle", start=date(2026, 10, 1), end=date(2026, 12, 31))
    objective = f.make_objective(admin, cycle, team, title="Fewer support tickets")
    kr = services.key_result_create(
        actor=admin, objective=objective, title="Weekly tickets down to 120", start=None, target=120
    )
    monday = datetime(2026, 10, 5, 9, tzinfo=UTC)
    for week, value in enumerate([220, 220]):
        services.check_in_create(
            actor=admin,
            key_result=kr,
            value=value,
            confidence="on_track",
            at=monday + timedelta(weeks=week),
        )
    now = monday + timedelta(weeks=1, days=1)

    def stalled():
        annotated, _ = selectors.objective_with_progress(
            org, objective, today=now.date(), viewer=f.ALL
        )
        return selectors.key_result_histories(annotated, now=now)[kr.id].stalled

    # Baseline 220, then one unchanged week: not yet two unchanged weekly check-ins.
    assert stalled() is False
    services.check_in_create(
        actor=admin,
        key_result=kr,
        value=220,
        confidence="at_risk",
        at=monday + timedelta(weeks=2),
    )
    now = monday + timedelta(weeks=2, days=1)
    assert stalled() is True
