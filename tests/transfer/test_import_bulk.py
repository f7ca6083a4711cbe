"""The import writes its new rows in bulk (okrs.services.okrs_bulk_create), not through the
one-row services: what it stores must be what those services store, and what they refuse the
planner must refuse."""

from datetime import UTC, date, datetime

import pytest

from cadence.audit.models import Event
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs import unit_services
from cadence.transfer.okr_import import plans
from cadence.transfer.services import okr_import_apply, okr_import_dry_run
from tests import factories as f
from tests.transfer.conftest import files, okr_row

pytestmark = pytest.mark.django_db

OBJECTIVE_FIELDS = (
    "organization_id",
    "cycle_id",
    "unit_id",
    "parent_id",
    "owner_id",
    "created_by_id",
    "why",
    "commitment",
    "state",
    "position",
    "progress",
    "abandon_reason",
    "standalone_reason",
    "computed_score",
    "score",
)
KR_FIELDS = (
    "organization_id",
    "owner_id",
    "kind",
    "start",
    "target",
    "unit",
    "direction",
    "weight",
    "commitment",
    "position",
    "current",
    "confidence",
    "last_check_in_at",
    "start_from_first_check_in",
)


def _import(actor, org, source):
    plan = okr_import_dry_run(actor=actor, organization=org, files=source)
    assert not plan.errors, [e.as_line() for e in plan.errors]
    return okr_import_apply(actor=actor, organization=org, plan=plan)


def _fields(instance, names):
    return {name: getattr(instance, name) for name in names}


def test_an_imported_objective_is_stored_as_the_services_store_it(
    admin, org, cycle, product, owner
):
    # Through the services, as the forms do: an objective, a key result, two check-ins.
    made = okr_services.objective_create(
        actor=admin,
        cycle=cycle,
        unit=product,
        title="Make onboarding delightful for everyone",
        why="New teams churn in their first month.",
        owner=owner,
    )
    kr = okr_services.key_result_create(
        actor=admin,
        objective=made,
        title="Raise week-one activation from 40% to 60% overall",
        start=40,
        target=60,
        unit="%",
        weight=2,
        owner=owner,
    )
    # A day's check-in is taken at noon in the organization's time zone (UTC here).
    for day, value, confidence in (
        (date(2026, 11, 2), 45, "at_risk"),
        (date(2026, 11, 9), 48, "on_track"),
    ):
        okr_services.check_in_create(
            actor=admin,
            key_result=kr,
            value=value,
            confidence=confidence,
            at=datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=12),
        )
    # The same through the import, into the same unit (so its position follows).
    rows = [
        okr_row(owner, objective_owner_email=owner.email, weight="2", key_result_external_id="K-1")
    ]
    check_ins = [
        {
            "key_result_external_id": "K-1",
            "date": "2026-11-02",
            "value": "45",
            "confidence": "at_risk",
        },
        {"key_result_external_id": "K-1", "date": "2026-11-09", "value": "48"},
    ]
    _import(admin, org, files(rows, check_ins))
    imported = Objective.objects.get(title="Make onboarding delightful for new teams")
    made.refresh_from_db()
    kr.refresh_from_db()
    assert _fields(imported, OBJECTIVE_FIELDS) == {
        **_fields(made, OBJECTIVE_FIELDS),
        "position": made.position + 1,
    }
    new_kr = imported.key_results.get()
    assert _fields(new_kr, KR_FIELDS) == _fields(kr, KR_FIELDS)
    assert list(
        new_kr.check_ins.values_list("value", "confidence", "at", "author_id", "note")
    ) == list(kr.check_ins.values_list("value", "confidence", "at", "author_id", "note"))

    # The audit trail: the same facts as the form's creation.
    def created(kind, target):
        event = Event.objects.get(kind=kind, target_id=str(target.pk))
        return event.actor_id, event.target_type, event.target_label, event.changes

    by_form, by_import = created("objective.created", made), created("objective.created", imported)
    assert by_import[:2] == by_form[:2]
    assert {k: v for k, v in by_import[3].items() if k != "title"} == {
        k: v for k, v in by_form[3].items() if k != "title"
    }
    assert created("key_result.created", new_kr)[3] == {
        **created("key_result.created", kr)[3],
        "title": [None, new_kr.title],
    }
    assert Event.objects.filter(kind="okrs.imported").count() == 1


def test_positions_follow_what_is_stored(admin, org, cycle, product):
    stored = f.make_objective(
        admin, cycle, product, title="Make onboarding delightful for new teams"
    )
    f.make_kr(
        admin, stored, title="Cut time to first objective from 9 to 3 days", start=9, target=3
    )
    rows = [
        okr_row(),  # a second key result for the stored objective
        okr_row(
            objective="Win the mid-market segment",
            key_result="Sign 10 new logos",
            start="0",
            target="10",
        ),
        okr_row(
            objective="Win the mid-market segment",
            key_result="Keep churn under 2%",
            kind="threshold",
            direction="at_most",
            start="",
            target="2",
        ),
    ]
    _import(admin, org, files(rows))
    assert list(stored.key_results.values_list("position", flat=True)) == [0, 1]
    win = Objective.objects.get(title="Win the mid-market segment")
    assert win.position == 1
    assert list(win.key_results.values_list("title", "position")) == [
        ("Sign 10 new logos", 0),
        ("Keep churn under 2%", 1),
    ]
    assert win.key_results.get(position=1).direction == "at_most"


def test_the_latest_check_in_gives_the_current_value_and_same_day_rows_keep_their_order(
    admin, org, cycle, product
):
    rows = [okr_row(key_result_external_id="K-1", start="", target="60")]
    check_ins = [
        {"key_result_external_id": "K-1", "date": "2026-11-09", "value": "52"},
        {
            "key_result_external_id": "K-1",
            "date": "2026-11-02",
            "value": "41",
            "confidence": "off_track",
        },
        {
            "key_result_external_id": "K-1",
            "date": "2026-11-09",
            "value": "50",
            "confidence": "at_risk",
        },
    ]
    _import(admin, org, files(rows, check_ins))
    kr = KeyResult.objects.get(external_id="K-1")
    # No start was given: the first measurement (by date) is the start.
    assert (kr.start, kr.start_from_first_check_in) == (41, True)
    # Of two rows on one day, the later one is the latest.
    assert (kr.current, kr.confidence) == (50, "at_risk")
    assert kr.last_check_in_at == datetime(2026, 11, 9, 12, tzinfo=UTC)
    assert list(kr.check_ins.values_list("value", flat=True)) == [41, 52, 50]
    assert kr.objective.progress == pytest.approx((50 - 41) / (60 - 41))


def test_what_the_services_refuse_the_planner_refuses(admin, org, cycle, product, engineering):
    # A first measurement equal to the target (progress would divide by zero).
    rows = [okr_row(key_result_external_id="K-1", start="", target="60")]
    plan = okr_import_dry_run(
        actor=admin,
        organization=org,
        files=files(rows, [{"key_result_external_id": "K-1", "date": "2026-11-02", "value": "60"}]),
    )
    assert [(e.sheet, e.row, e.column) for e in plan.errors] == [("Check-ins", 2, "value")]
    # An archived unit takes no new objective.
    archived = f.make_unit(org, "Old team")
    unit_services.unit_archive(actor=admin, unit=archived)
    plan = okr_import_dry_run(
        actor=admin, organization=org, files=files([okr_row(unit="Old team")])
    )
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (2, "unit", "Old team is archived: choose another unit.")
    ]
    # A parent whose cycle does not cover the objective's.
    other = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    f.make_objective(admin, other, product, title="Next quarter's plan", external_id="N-1")
    plan = okr_import_dry_run(actor=admin, organization=org, files=files([okr_row(parent="N-1")]))
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (2, "parent", "The parent objective belongs to Q1 2027, which does not cover Q4 2026.")
    ]
    assert not Objective.objects.filter(cycle=cycle).exists()


def test_check_ins_of_an_abandoned_objective_are_refused(admin, org, cycle, product):
    objective = f.make_objective(
        admin, cycle, product, title="Make onboarding delightful for new teams"
    )
    f.make_kr(admin, objective, title="Reach 40 teams", start=0, target=40, external_id="K-9")
    okr_services.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="Dropped."
    )
    plan = okr_import_dry_run(
        actor=admin,
        organization=org,
        files=files(
            [okr_row(objective="Another objective entirely")],
            [{"key_result_external_id": "K-9", "date": "2026-11-02", "value": "3"}],
        ),
    )
    assert [(e.sheet, e.row, e.message) for e in plan.errors] == [
        ("Check-ins", 2, "This objective is abandoned: it takes no check-ins.")
    ]


def test_past_the_kept_errors_the_rest_are_counted(admin, org, cycle, product, monkeypatch):
    monkeypatch.setattr(plans, "MAX_KEPT_ERRORS", 3)
    rows = [okr_row(objective=f"Objective number {i}", key_result="Go") for i in range(5)]
    plan = okr_import_dry_run(actor=admin, organization=org, files=files(rows))
    assert len(plan.errors) == 3 and plan.errors_dropped == 2 and plan.error_count == 5


def test_settle_marks_what_is_stored_or_given_twice_per_key_result_only():
    """CheckIns.settle, pure: three key results, two of them stored (tokens 0 and 2)."""
    a, b, c = object(), object(), object()
    stored = plans.StoredCheckIns()
    stored.add(0, date(2026, 11, 2), 10.0)  # a's
    stored.add(1, date(2026, 11, 2), 20.0)  # a stored key result the file does not name
    stored.add(2, date(2026, 11, 9), 30.0)  # c's
    table = plans.CheckIns()
    rows = [
        (a, date(2026, 11, 2), 10.0),  # stored: unchanged
        (a, date(2026, 11, 2), 11.0),  # new
        (b, date(2026, 11, 2), 10.0),  # same day and value as a's, but another key result: new
        (b, date(2026, 11, 2), 10.0),  # given twice: unchanged
        (c, date(2026, 11, 9), 30.0),  # stored: unchanged
        (c, date(2026, 11, 9), -0.0),  # new
        (a, date(2026, 11, 9), 10.0),  # another day: new
    ]
    for row, (target, day, value) in enumerate(rows, start=2):
        table.add(
            "Check-ins", row, table.target_index(target), day, value, "on_track", "", "create"
        )
    table.settle(stored, [0, -1, 2])
    assert [item.action for item in table] == [
        "unchanged",
        "create",
        "create",
        "unchanged",
        "unchanged",
        "create",
        "create",
    ]
    assert (table.created, table.unchanged) == (4, 3)
    first, latest = table.ends()
    assert list(first) == [1, 2, 5] and list(latest) == [6, 2, 5]
