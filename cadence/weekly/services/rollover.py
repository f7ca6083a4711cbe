"""Carry-over: each week's open items into the next week at the team's deadline, exactly
once (see the package's docstring)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cadence.orgs.models import Organization
from cadence.weekly import selectors
from cadence.weekly.models import Item, WeeklyUpdate
from cadence.weekly.services.items import _next_position, _update_for
from cadence.weekly.weeks import monday_of, next_week


def _open_items_filter(prefix: str = "") -> Q:
    """Items still open for carry-over: live, in an active carrying category, not written
    late, not carried yet."""
    return Q(
        **{
            f"{prefix}deleted_at__isnull": True,
            f"{prefix}late": False,
            f"{prefix}category__carries_over": True,
            f"{prefix}category__archived_at__isnull": True,
            f"{prefix}carried_to__isnull": True,
        }
    )


def _carry_update(source_id: UUID) -> int:
    """Carry one update's open items into the person's next week, in its own transaction.
    Returns how many items this call carried (0 when another run got there first)."""
    carried = 0
    with transaction.atomic():
        # Lock the week carried, then the target week: concurrent rollovers of this person
        # queue here, and the one that comes second sees the first one's copies (carried_to)
        # and skips them; a change to one of the week's items (which locks the week first)
        # is either seen here or sees the copies made here.
        source = (
            WeeklyUpdate.objects.select_for_update(of=("self",))
            .select_related("person")
            .get(pk=source_id)
        )
        target = _update_for(source.person, next_week(source.week))
        items = list(
            Item.objects.filter(_open_items_filter(), update=source)
            .select_related("category")
            .order_by("category__position", "position", "created_at", "id")
        )
        positions: dict[UUID, int] = {}
        for original in items:
            if original.category_id not in positions:
                positions[original.category_id] = _next_position(target, original.category)
            copy = Item(
                organization_id=original.organization_id,
                update=target,
                category_id=original.category_id,
                text=original.text,
                objective_id=original.objective_id,
                key_result_id=original.key_result_id,
                position=positions[original.category_id],
                carried_over_from=original,
                created_by_id=original.created_by_id,
            )
            try:
                with transaction.atomic():
                    copy.save(force_insert=True)
            except IntegrityError:
                # Carried by a concurrent run (the one-to-one on carried_over_from): not twice.
                continue
            positions[original.category_id] += 1
            carried += 1
    return carried


def _pending_updates(organization: Organization | None = None) -> Iterable[WeeklyUpdate]:
    updates = WeeklyUpdate.objects.filter(
        _open_items_filter("items__"), person__is_active=True
    ).distinct()
    if organization is not None:
        updates = updates.filter(organization=organization)
    return updates


def rollover_week(*, organization: Organization | None = None, week: date) -> int:
    """Carry the open items of ``week`` (any day of it) into the next week, for every person
    (of one organization, or of all). Whatever the deadline; exactly once; safe to run any
    number of times and concurrently. Returns how many items this call carried.

    Each person's week is carried in its own transaction, so a long run holds no lock for long
    and work already done survives an interruption (the next run finishes the rest)."""
    week = monday_of(week)
    ids = list(
        _pending_updates(organization)
        .filter(week=week)
        .order_by("person_id")
        .values_list("pk", flat=True)
    )
    return sum(_carry_update(update_id) for update_id in ids)


def rollover_due(*, now: datetime | None = None) -> int:
    """Carry every week whose deadline has passed by ``now`` (each person's deadline comes from
    their primary team, see ``selectors.primary_team``), including weeks missed while nothing
    ran: week by week, so an item still open after being carried into a missed week carries on
    to the next one. Exactly once, safe to run any number of times and concurrently. Returns
    how many items this call carried."""
    now = now or timezone.now()
    horizon = (now + timedelta(days=1)).date()  # no deadline after this day can have passed
    done: set[UUID] = set()
    total = 0
    while True:
        pending = list(
            _pending_updates()
            .filter(week__lte=horizon)
            .exclude(pk__in=done)
            .only("pk", "person_id", "organization_id", "week")
            .order_by("week", "person_id")
        )
        rhythm = selectors.rhythm_units(person_ids={u.person_id for u in pending})
        due = [
            u
            for u in pending
            if selectors.team_deadline(rhythm.get(u.person_id), u.week, u.organization_id) <= now
        ]
        if not due:
            return total
        # Earliest week first, so each pass ends on copies that the next pass may carry on.
        first_week = due[0].week
        for update in due:
            if update.week != first_week:
                break
            done.add(update.pk)
            total += _carry_update(update.pk)
