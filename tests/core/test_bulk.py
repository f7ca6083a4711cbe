"""core.bulk writes rows exactly as the ORM would (read back through the ORM, field by field),
on SQLite and PostgreSQL alike; core.ids.ordered_uuids gives increasing, unguessable ids."""

import uuid
from datetime import UTC, datetime

import pytest

from cadence.audit.models import Event
from cadence.audit.services import EVENT_COLUMNS
from cadence.core.bulk import insert_rows, update_rows
from cadence.core.ids import ordered_uuids
from cadence.okrs.models import CheckIn, KeyResult, Objective
from tests import factories as f

pytestmark = pytest.mark.django_db


def _row(instance, columns):
    out = {}
    for name in columns:
        field = instance._meta.get_field(name)
        out[name] = getattr(instance, field.attname)
    return out


def test_insert_rows_stores_what_the_orm_stores(org, admin):
    at = datetime(2026, 11, 2, 12, 30, 15, 123456, tzinfo=UTC)
    values = {
        "organization": org,
        "created_at": at,
        "actor": admin,
        "actor_label": "Zoë <zoe@example.test>",
        "kind": "objective.created",
        "target_type": "okrs.objective",
        "target_id": "abc",
        "target_label": "Café — Zürich",
        "changes": {"title": [None, "Café"], "weight": [None, 2.5], "n": [1, None]},
        "ip_address": "2001:db8::1",
        "user_agent": "",
    }
    by_orm = Event.objects.create(id=uuid.uuid4(), **values)
    bulk_id = uuid.uuid4()
    row = [bulk_id, org.pk, at, admin.pk, *list(values.values())[3:]]
    assert insert_rows(Event, EVENT_COLUMNS, [row]) == 1
    by_bulk = Event.objects.get(pk=bulk_id)
    by_orm.refresh_from_db()
    expected = _row(by_orm, EVENT_COLUMNS[1:])
    assert _row(by_bulk, EVENT_COLUMNS[1:]) == expected
    assert expected["created_at"] == at and expected["changes"]["weight"] == [None, 2.5]


def test_insert_rows_streams_many_rows_and_nulls(org, admin, cycle, team):
    objective = f.make_objective(admin, cycle, team, title="Grow the number of teams")
    kr = f.make_kr(admin, objective, title="Reach 40 teams", start=0, target=40)
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    ids = ordered_uuids()
    rows = [
        (next(ids), org.pk, kr.pk, None if i % 2 else admin.pk, float(i), "on_track", "", now)
        for i in range(4500)  # more than one batch
    ]
    columns = ("id", "organization", "key_result", "author", "value", "confidence", "note", "at")
    assert (
        insert_rows(CheckIn, (*columns, "created_at", "updated_at"), [r + (now, now) for r in rows])
        == 4500
    )
    stored = list(
        CheckIn.objects.filter(key_result=kr)
        .order_by("value")
        .values_list("id", "author_id", "value", "at")
    )
    assert [(s[0], s[1], s[2]) for s in stored] == [(r[0], r[3], r[4]) for r in rows]
    assert {s[3] for s in stored} == {now}


def test_update_rows_sets_the_columns_of_each_row(admin, cycle, team):
    a = f.make_objective(admin, cycle, team, title="Grow the number of teams")
    b = f.make_objective(admin, cycle, team, title="Keep every team happy")
    assert update_rows(Objective, ["progress"], [(a.pk, 0.25), (b.pk, None)]) == 2
    assert dict(Objective.objects.filter(pk__in=[a.pk, b.pk]).values_list("id", "progress")) == {
        a.pk: 0.25,
        b.pk: None,
    }
    assert KeyResult.objects.count() == 0


def test_ordered_uuids_increase_and_keep_random_bits():
    ids = ordered_uuids()
    made = [next(ids) for _ in range(10_000)]
    assert made == sorted(made) and len(set(made)) == len(made)
    assert {u.version for u in made} == {7} and {u.variant for u in made} == {uuid.RFC_4122}
    # The last 48 bits are random: neighbours share nothing there.
    assert len({u.int & (2**48 - 1) for u in made}) > 9_990
    again = ordered_uuids()
    # Another run starts its counter elsewhere.
    assert next(again) not in made
