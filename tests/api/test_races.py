"""IntegrityError means 409 only when another transaction got there first (a unique row written
twice at once, a referred row deleted meanwhile); any other constraint refusing a value is a bug
in validation, not a conflict to report."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from cadence.api.errors import RACE, is_race
from cadence.okrs.models import Cycle
from cadence.weekly.models import Category


def _integrity_error(write) -> IntegrityError:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic():
        write()
    return excinfo.value


def test_a_unique_row_written_twice_is_a_race(org):
    Category.objects.create(organization=org, slug="ideas", name="Ideas", position=9)
    error = _integrity_error(
        lambda: Category.objects.create(organization=org, slug="ideas", name="Ideas", position=9)
    )
    assert is_race(error)


def test_a_check_constraint_is_not_a_race(org):
    error = _integrity_error(
        lambda: Cycle.objects.create(
            organization=org, name="Backwards", start=date(2027, 3, 1), end=date(2027, 1, 1)
        )
    )
    assert not is_race(error)


def test_the_api_says_409_for_a_race_only(admin_api, cycle, monkeypatch):
    from cadence.okrs import services

    def racing(**kwargs):
        # The built-in "plans" exists: as if another request had just written this row.
        with transaction.atomic():
            Category.objects.create(
                organization=cycle.organization, slug="plans", name="Plans", position=0
            )

    monkeypatch.setattr(services, "cycle_update", racing)
    response = admin_api.patch(f"/cycles/{cycle.pk}", {"name": "Raced"})
    assert response.status_code == 409 and response.json()["message"] == RACE

    def broken(**kwargs):
        with transaction.atomic():
            Cycle.objects.filter(pk=cycle.pk).update(end=date(2020, 1, 1))

    monkeypatch.setattr(services, "cycle_update", broken)
    with pytest.raises(IntegrityError):
        admin_api.patch(f"/cycles/{cycle.pk}", {"name": "Broken"})
