"""cycle_create, cycle_update and cycle_delete: bounded dates, what a cycle already holds, and
only admins."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cadence.core.errors import Conflict
from cadence.okrs import services
from cadence.okrs.models import Cycle
from cadence.reviews import services as review_services
from cadence.scoring import services as scoring_services
from tests import factories as f


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


@pytest.mark.parametrize(
    "start,end,field",
    [
        (date(9999, 12, 1), date(9999, 12, 31), "start"),
        (date(1, 1, 1), date(1, 3, 31), "start"),
        (date(2026, 1, 1), date(2201, 1, 1), "end"),
        (date(1999, 12, 31), date(2000, 3, 31), "start"),
    ],
)
def test_dates_outside_2000_to_2200_are_refused(admin, start, end, field):
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_create(actor=admin, name="Far", kind="custom", start=start, end=end)
    assert field in _errors(excinfo)
    assert not Cycle.objects.exists()


def test_the_bounds_themselves_are_dates(admin):
    cycle = services.cycle_create(
        actor=admin, name="Widest", kind="custom", start=date(2000, 1, 1), end=date(2200, 12, 31)
    )
    assert (cycle.start, cycle.end) == (date(2000, 1, 1), date(2200, 12, 31))


def test_update_renames_and_moves_a_cycle(admin, cycle):
    services.cycle_update(actor=admin, cycle=cycle, name="  Autumn  ", end=date(2027, 1, 10))
    cycle.refresh_from_db()
    assert (cycle.name, cycle.end) == ("Autumn", date(2027, 1, 10))


def test_update_checks_like_create(admin, cycle):
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_update(actor=admin, cycle=cycle, end=date(9999, 12, 31), name="")
    assert {"end", "name"} <= set(_errors(excinfo))
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_update(actor=admin, cycle=cycle, start=date(2027, 1, 1))
    assert "end" in _errors(excinfo)  # would end before it starts
    with pytest.raises(ValidationError):
        services.cycle_update(actor=admin, cycle=cycle, colour="red")
    cycle.refresh_from_db()
    assert (cycle.name, cycle.start, cycle.end) == (
        "Q4 2026",
        date(2026, 10, 1),
        date(2026, 12, 31),
    )


def test_only_admins_change_or_delete_cycles(member, cycle, outsider):
    for person in (member, outsider):
        with pytest.raises(PermissionDenied):
            services.cycle_update(actor=person, cycle=cycle, name="Mine")
        with pytest.raises(PermissionDenied):
            services.cycle_delete(actor=person, cycle=cycle)
    assert Cycle.objects.get(pk=cycle.pk).name == "Q4 2026"


def test_objectives_aligned_across_cycles_stay_covered(admin, company, team):
    year = f.make_cycle(admin, name="2026", start=date(2026, 1, 1), end=date(2026, 12, 31))
    year.kind = Cycle.Kind.YEAR
    year.save()
    quarter = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    annual = f.make_objective(admin, year, company, title="Win the market")
    f.make_objective(admin, quarter, team, title="Ship the app", parent=annual)
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_update(actor=admin, cycle=quarter, end=date(2027, 1, 31))
    assert "start" in _errors(excinfo)  # its objectives align to 2026, which would not cover it
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_update(actor=admin, cycle=year, end=date(2026, 11, 30))
    assert "end" in _errors(excinfo)  # Q4's objectives align to it
    services.cycle_update(actor=admin, cycle=year, start=date(2025, 12, 1))  # still covers Q4


def test_an_annual_cycle_holds_company_objectives_only(admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Ship the app")
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_update(actor=admin, cycle=cycle, kind=Cycle.Kind.YEAR)
    assert "kind" in _errors(excinfo)


def test_written_monthly_reviews_keep_their_month(admin, cycle, company):
    review_services.review_save(
        actor=admin,
        cycle=cycle,
        unit=company,
        kind="monthly",
        period=date(2026, 10, 1),
        answers={},
        notes="October went well.",
    )
    with pytest.raises(ValidationError) as excinfo:
        services.cycle_update(actor=admin, cycle=cycle, start=date(2026, 11, 1))
    assert "start" in _errors(excinfo)


def test_a_closed_cycle_keeps_its_kind_and_dates(admin, cycle):
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    services.cycle_update(actor=admin, cycle=cycle, name="Q4 2026 (scored)")
    with pytest.raises(Conflict) as excinfo:
        services.cycle_update(actor=admin, cycle=cycle, end=date(2027, 1, 31), kind="custom")
    assert set(_errors(excinfo)) == {"end", "kind"}
    # Sending the dates it already has is no change.
    services.cycle_update(actor=admin, cycle=cycle, start=cycle.start, end=cycle.end)


def test_only_an_empty_cycle_is_deleted(admin, cycle, team, company):
    objective = f.make_objective(admin, cycle, team, title="Ship the app")
    with pytest.raises(Conflict, match="holds 1 objective"):
        services.cycle_delete(actor=admin, cycle=cycle)
    objective.delete()
    review_services.review_save(
        actor=admin, cycle=cycle, unit=company, kind="mid_cycle", answers={}, notes="Halfway."
    )
    with pytest.raises(Conflict, match="holds reviews"):
        services.cycle_delete(actor=admin, cycle=cycle)
    cycle.reviews.all().delete()
    services.cycle_delete(actor=admin, cycle=cycle)
    assert not Cycle.objects.exists()
