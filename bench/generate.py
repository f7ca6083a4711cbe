"""The benchmark's organization: generated deterministically, at a chosen size, with bulk inserts.

``generate(size, seed=…, today=…)`` writes one organization (people, the unit tree, memberships,
eight quarterly cycles of objectives and key results with their weekly check-ins, weekly updates
and their items, reviews, approvals, comments, likes, dependencies …) and returns a ``Dataset``
naming the rows the benchmark requests. ``existing(size, seed=…)`` finds a dataset generated
earlier in the same database.

The generator bypasses the services for speed (raw ``INSERT … executemany`` on SQLite, ``COPY``
on PostgreSQL), so it stores every denormalized value itself, exactly as the services would:
a key result's ``current`` / ``confidence`` / ``last_check_in_at`` are its latest check-in's;
closed cycles have ``closed_at`` and their approved objectives are closed and scored like
``scoring.services.cycle_close`` does (``okrs.progress.score`` of the rolled-up progress);
``Objective.progress`` is the roll-up of ``okrs.progress.roll_up``; weekly updates are once per
person and week, and an item is carried over at most once.

Same size, seed and ``today`` → the same rows (ids included): every random choice comes from one
``random.Random(seed)`` and every timestamp from ``today``. Everything happens before ``today``.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from bench.dataset import (
    BENCH_PASSWORD,
    COUNTED,
    SIZES,
    Dataset,
    admin_email,
    api_token,
    marker,
)
from bench.generate_okrs import Generator
from cadence.feed.models import Mention
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import ApiToken, Membership, Organization, Person, Unit
from cadence.weekly.models import (
    ItemMove,
)

# Reading a dataset back ----------------------------------------------------------------------

# Models with no organization column: how to reach it.
VIA = {
    Membership: "unit__organization",
    ItemMove: "item__organization",
    Mention: "comment__organization",
    ApiToken: "person__organization",
}


def count_rows(organization_id) -> dict[str, int]:
    out = {}
    for label, model in COUNTED.items():
        lookup = VIA.get(model, "organization")
        out[label] = model.objects.filter(**{lookup: organization_id}).count()
    return out


def existing(size: str, *, seed: int = 42) -> Dataset | None:
    """The dataset generated earlier in this database for this size, seed and generator
    version, else None."""
    organization = Organization.objects.filter(name=marker(size, seed)).first()
    if organization is None:
        return None
    return _describe(organization, size, seed, count_rows(organization.pk))


def _describe(organization: Organization, size: str, seed: int, counts: dict) -> Dataset:
    """The rows the benchmark requests, found the same way whether just generated or not."""
    admin = Person.objects.get(organization=organization, email=admin_email(size, seed))
    cycle = Cycle.objects.get(organization=organization, closed_at__isnull=True)
    team = (
        Unit.objects.filter(
            organization=organization,
            kind=Unit.Kind.TEAM,
            memberships__person=admin,
            memberships__role=Membership.Role.LEAD,
        )
        .order_by("name")
        .first()
    )
    objective = (
        Objective.objects.filter(
            organization=organization,
            cycle=cycle,
            unit=team,
            state=Objective.State.APPROVED,
            parent__isnull=False,
        )
        .order_by("position")
        .first()
    )
    # The first key result of each team's first approved objective, over ~50 teams.
    first_objectives = {}
    for unit_id, objective_id in (
        Objective.objects.filter(
            organization=organization,
            cycle=cycle,
            unit__kind=Unit.Kind.TEAM,
            state=Objective.State.APPROVED,
        )
        .order_by("unit__name", "position")
        .values_list("unit_id", "id")
    ):
        first_objectives.setdefault(unit_id, objective_id)
    chosen = list(first_objectives.values())[:: max(1, len(first_objectives) // 50)][:50]
    krs = {}
    for objective_id, kr_id in (
        KeyResult.objects.filter(organization=organization, objective_id__in=chosen)
        .order_by("position")
        .values_list("objective_id", "id")
    ):
        krs.setdefault(objective_id, kr_id)
    return Dataset(
        size=size,
        seed=seed,
        organization_id=organization.pk,
        admin_email=admin.email,
        admin_password=BENCH_PASSWORD,
        api_token=api_token(seed, size),
        cycle_id=cycle.pk,
        team_unit_id=team.pk,
        department_unit_id=team.parent_id,
        objective_id=objective.pk,
        key_result_ids=[krs[o] for o in chosen if o in krs],
        counts=counts,
    )


# Removing a dataset --------------------------------------------------------------------------


def remove(size: str, *, seed: int = 42) -> bool:
    """Delete the dataset of this size and seed, whichever generator version wrote it (its
    people's emails would collide with a new one's). Raw deletes by organization: fast at any
    size; foreign keys are checked at commit. True when there was one."""
    prefix = marker(size, seed).rsplit(" v", 1)[0] + " v"
    found = False
    for organization in Organization.objects.filter(name__startswith=prefix):
        if organization.name[len(prefix) : -1].isdigit():
            _remove_organization(organization)
            found = True
    return found


def _remove_organization(organization: Organization) -> None:
    key = Organization._meta.pk.get_db_prep_value(organization.pk, connection)
    with transaction.atomic(), connection.cursor() as cursor:
        for model, lookup in VIA.items():
            parent_field = lookup.split("__")[0]
            parent = model._meta.get_field(parent_field).related_model
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" WHERE "{parent_field}_id" IN '
                f'(SELECT "id" FROM "{parent._meta.db_table}" WHERE "organization_id" = %s)',
                [key],
            )
        for model in [*COUNTED.values(), Organization]:
            if model in VIA:
                continue
            column = "id" if model is Organization else "organization_id"
            cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE "{column}" = %s', [key])
        _remove_other_org_rows(cursor, key)


def _remove_other_org_rows(cursor, organization_id) -> None:
    """Any table with an organization column the generator does not write (e.g. added later)."""
    from django.apps import apps

    for model in apps.get_models():
        if model in COUNTED.values() or model is Organization:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if "organization" in names:
            cursor.execute(
                f'DELETE FROM "{model._meta.db_table}" WHERE "organization_id" = %s',
                [organization_id],
            )


# Generating ----------------------------------------------------------------------------------


def generate(
    size: str,
    *,
    seed: int = 42,
    today: date | None = None,
    progress: Callable[[str], object] = print,
) -> Dataset:
    """Write the dataset of this size and seed (replacing one written before) and describe it."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    today = today or timezone.localdate()
    began = clock.monotonic()
    if remove(size, seed=seed):
        progress(f"removed the previous {size} dataset ({clock.monotonic() - began:.1f} s)")
    generator = Generator(SIZES[size], size, seed, today, progress)
    with transaction.atomic():
        generator.run()
    # Statistics for the query planner (SQLite has none until ANALYZE writes sqlite_stat1). On
    # PostgreSQL also VACUUM, as autovacuum soon does after a bulk load in production: without
    # it the freshly written tables have no visibility map (no index-only scans) and the
    # full-text indexes keep their pending entries. (Not inside a transaction, as in the tests:
    # VACUUM cannot run there.)
    with connection.cursor() as cursor:
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    generator.say("analyzed")
    recompute = _recompute_progress(generator.organization_id)
    if recompute is not None:
        generator.say(f"objective_progress_recompute: {recompute} objectives changed (expect 0)")
    counts = {label: generator.sink.tables[model].count for label, model in COUNTED.items()}
    organization = Organization.objects.get(pk=generator.organization_id)
    dataset = _describe(organization, size, seed, counts)
    total = sum(counts.values())
    generator.say(f"done: {total:,} rows")
    return dataset


def _recompute_progress(organization_id) -> int | None:
    """The services' own from-scratch recompute, as a check (0 changed when the generator
    stored the same roll-up). None while the service does not exist."""
    from cadence.okrs import services

    recompute = getattr(services, "objective_progress_recompute", None)
    if recompute is None:
        return None
    return recompute(organization=Organization.objects.get(pk=organization_id))
