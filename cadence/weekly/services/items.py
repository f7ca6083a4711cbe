"""Item writes: create, edit, move, delete and restore items of a weekly update, and the
settling of their carried copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cadence.core.errors import Conflict
from cadence.core.limits import MAX_SHORT_TEXT
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Person, Unit
from cadence.weekly import hooks, selectors
from cadence.weekly.models import Category, Item, ItemMove, WeeklyUpdate
from cadence.weekly.services.access import _require_update_writer
from cadence.weekly.weeks import monday_of

MAX_ITEM_TEXT = MAX_SHORT_TEXT
RESTORE_WINDOW = timedelta(days=30)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write what you plan, did or are stuck on."})
    if len(text) > MAX_ITEM_TEXT:
        raise ValidationError({"text": f"Keep it to {MAX_ITEM_TEXT} characters or fewer."})
    return text


def _category_by_slug(person: Person, slug: str, team: Unit | None | _Unset = UNSET) -> Category:
    """An active category the person's update may use: organization-wide or their team's."""
    slug = (slug or "").strip().lower() if isinstance(slug, str) else ""
    if isinstance(team, _Unset):
        team = selectors.primary_team(person)
    for category in selectors.categories_for(person.organization, team):
        if category.slug == slug:
            return category
    raise ValidationError({"category": f"There is no category {slug!r} to choose."})


def _links(
    organization_id,
    objective: Objective | None,
    key_result: KeyResult | None,
) -> tuple[Objective | None, KeyResult | None]:
    """Validate an objective / key result link; a key result implies its objective."""
    errors: dict[str, str] = {}
    if objective is not None and objective.organization_id != organization_id:
        errors["objective"] = "Choose an objective of this organization."
    if key_result is not None:
        if key_result.organization_id != organization_id:
            errors["key_result"] = "Choose a key result of this organization."
        elif objective is not None and key_result.objective_id != objective.pk:
            errors["key_result"] = "That key result belongs to another objective."
    if errors:
        raise ValidationError(errors)
    if key_result is not None and objective is None:
        objective = Objective.objects.get(pk=key_result.objective_id)
    return objective, key_result


def _update_for(person: Person, week: date, *, lock: bool = True) -> WeeklyUpdate:
    """The person's update for a week, created if needed (safe when two requests create it at
    once), and locked so positions are computed by one writer at a time."""
    update = WeeklyUpdate.objects.filter(person=person, week=week).first()
    if update is None:
        try:
            with transaction.atomic():
                update = WeeklyUpdate.objects.create(
                    organization_id=person.organization_id, person=person, week=week
                )
        except IntegrityError:
            update = WeeklyUpdate.objects.get(person=person, week=week)
    if lock:
        update = WeeklyUpdate.objects.select_for_update().get(pk=update.pk)
    return update


def _next_position(update: WeeklyUpdate, category: Category) -> int:
    last = Item.objects.filter(update=update, category=category, deleted_at__isnull=True).aggregate(
        m=Max("position")
    )["m"]
    return last + 1 if last is not None else 0


def _mark_submitted(update: WeeklyUpdate, actor: Person) -> None:
    """An update counts as done once the person writes in it themself (carried items, or an
    admin's edits, do not count)."""
    if update.submitted_at is None and actor.pk == update.person_id:
        update.submitted_at = timezone.now()
        first = WeeklyUpdate.objects.filter(pk=update.pk, submitted_at__isnull=True).update(
            submitted_at=update.submitted_at
        )
        if first:
            hooks.update_submitted(actor=actor, update=update)


def _lock_item(item: Item) -> Item:
    """Lock the item's week, then the item (the order the rollover locks in)."""
    WeeklyUpdate.objects.select_for_update().filter(pk=item.update_id).first()
    return (
        Item.objects.select_for_update(of=("self",))
        .select_related("update", "update__person", "category")
        .get(pk=item.pk)
    )


@dataclass(frozen=True)
class _CarryState:
    """What carrying an item would copy: whether it carries, and what into."""

    carries: bool
    category_id: UUID
    text: str
    objective_id: UUID | None
    key_result_id: UUID | None


def _carry_state(item: Item) -> _CarryState:
    category = item.category
    return _CarryState(
        carries=(
            item.deleted_at is None
            and not item.late
            and category.carries_over
            and category.archived_at is None
        ),
        category_id=item.category_id,
        text=item.text,
        objective_id=item.objective_id,
        key_result_id=item.key_result_id,
    )


def _untouched(copy: Item, source_before: _CarryState) -> bool:
    """Is the carried copy still what the rollover made of its source (as the source was
    before this change)? A copy taken out by settling counts as untouched."""
    if copy.settled:
        return True
    if copy.deleted_at is not None or not source_before.carries:
        return False
    same = (copy.category_id, copy.text, copy.objective_id, copy.key_result_id) == (
        source_before.category_id,
        source_before.text,
        source_before.objective_id,
        source_before.key_result_id,
    )
    return same and not ItemMove.objects.filter(item_id=copy.pk).exists()


def _settle_copies(item: Item, before: _CarryState) -> None:
    """After ``item`` changed (``before`` is how it was), make the copy carried from it — and
    that copy's own copy, down the chain — what carrying the item now would have made it, as
    long as each copy is untouched by hand (see the module's docstring). Each copy's week is
    locked before the copy, in week order."""
    source, source_before = item, before
    now = timezone.now()
    while True:
        found = (
            Item.objects.filter(carried_over_from_id=source.pk)
            .values_list("pk", "update_id")
            .first()
        )
        if found is None:
            return
        copy_id, update_id = found
        WeeklyUpdate.objects.select_for_update().filter(pk=update_id).first()
        copy = (
            Item.objects.select_for_update(of=("self",)).select_related("category").get(pk=copy_id)
        )
        if not _untouched(copy, source_before):
            return
        copy_before = _carry_state(copy)
        after = _carry_state(source)
        fields: list[str] = []
        content = (source.text, source.objective_id, source.key_result_id)
        if (copy.text, copy.objective_id, copy.key_result_id) != content:
            copy.text, copy.objective_id, copy.key_result_id = content
            fields += ["text", "objective", "key_result"]
        placed = False
        if source_before.carries and not after.carries:
            if not copy.settled:
                copy.deleted_at, copy.settled = now, True
                fields += ["deleted_at", "settled"]
        elif after.carries and (copy.settled or copy.category_id != source.category_id):
            copy.deleted_at, copy.settled = None, False
            copy.category = source.category
            fields += ["deleted_at", "settled", "category"]
            placed = True
        if not fields:
            return  # nothing changed here, so nothing further down the chain either
        copy.save(update_fields=[*fields, "updated_at"])
        if placed:
            _place(copy, None)
        source, source_before = copy, copy_before


def _require_live(item: Item) -> None:
    if item.deleted_at is not None:
        raise Conflict({"__all__": "This item was deleted; restore it first."})


@transaction.atomic
def item_create(
    *,
    actor: Person,
    person: Person,
    week: date,
    category: str,
    text: str,
    objective: Objective | None = None,
    key_result: KeyResult | None = None,
    at: datetime | None = None,
) -> Item:
    """Add an item to a person's update for a week (any day of the week names it). Unplanned
    work goes straight to ``progress``. Written after the week's deadline (``at``, default
    now), it is late progress: marked ``late`` and never carried over."""
    _require_update_writer(actor, person)
    week = monday_of(week)
    team, rhythm = selectors.team_and_rhythm(person)
    errors: dict[str, list[str]] = {}
    try:
        text = _clean_text(text)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        chosen = _category_by_slug(person, category, team)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        objective, key_result = _links(person.organization_id, objective, key_result)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    update = _update_for(person, week)
    # Judged once the week is locked: the rollover of this week waits for the lock, so an item
    # that is not late here is seen by it.
    moment = at or timezone.now()
    item = Item.objects.create(
        organization_id=person.organization_id,
        update=update,
        category=chosen,
        text=text,
        objective=objective,
        key_result=key_result,
        position=_next_position(update, chosen),
        created_by=actor,
        late=rhythm.is_closed(week, moment),
    )
    if at is not None:
        Item.objects.filter(pk=item.pk).update(created_at=at)
        item.created_at = at
    _mark_submitted(update, actor)
    return item


@transaction.atomic
def item_update(
    *,
    actor: Person,
    item: Item,
    text: str | _Unset = UNSET,
    objective: Objective | None | _Unset = UNSET,
    key_result: KeyResult | None | _Unset = UNSET,
) -> Item:
    """Change an item's text and/or its link. Pass ``objective=None`` to unlink (its key result
    goes too); a key result sets its objective; choosing another objective drops a key result
    of the old one."""
    item = _lock_item(item)
    _require_update_writer(actor, item.update.person)
    _require_live(item)
    before = _carry_state(item)
    fields = []
    if not isinstance(text, _Unset):
        item.text = _clean_text(text)
        fields.append("text")
    if not isinstance(objective, _Unset) or not isinstance(key_result, _Unset):
        new_objective = item.objective if isinstance(objective, _Unset) else objective
        new_kr = item.key_result if isinstance(key_result, _Unset) else key_result
        # Only the objective changed: a key result of another objective no longer fits.
        if (
            isinstance(key_result, _Unset)
            and new_kr is not None
            and (new_objective is None or new_kr.objective_id != new_objective.pk)
        ):
            new_kr = None
        if isinstance(objective, _Unset) and not isinstance(key_result, _Unset):
            # Only the key result changed: it decides the objective (None keeps the objective).
            new_objective = None if key_result is not None else item.objective
        item.objective, item.key_result = _links(item.organization_id, new_objective, new_kr)
        fields += ["objective", "key_result"]
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
        _mark_submitted(item.update, actor)
        _settle_copies(item, before)
    return item


def _place(item: Item, position: int | None) -> None:
    """Put the item at ``position`` (0-based) among the live items of its category in its
    update, or last; renumber the others."""
    others = list(
        Item.objects.filter(update_id=item.update_id, category_id=item.category_id)
        .filter(deleted_at__isnull=True)
        .exclude(pk=item.pk)
        .order_by("position", "created_at")
    )
    index = len(others) if position is None else min(position, len(others))
    others.insert(index, item)
    for n, other in enumerate(others):
        if other.pk == item.pk:
            item.position = n
            Item.objects.filter(pk=item.pk).update(position=n)
        elif other.position != n:
            Item.objects.filter(pk=other.pk).update(position=n)


@transaction.atomic
def item_move(*, actor: Person, item: Item, category: str, position: int | None = None) -> Item:
    """Move an item to another category (plans → progress when done, plans → problems when
    stuck, problems → plans/progress when resolved), or reorder it within its category. A move
    between categories is recorded in ``ItemMove``."""
    if position is not None and (not isinstance(position, int) or position < 0):
        raise ValidationError({"position": "Position must be 0 or more."})
    item = _lock_item(item)  # the week first: it also serializes positions within the update
    person = item.update.person
    _require_update_writer(actor, person)
    _require_live(item)
    target = item.category
    if (category or "") != item.category.slug:
        target = _category_by_slug(person, category)
    if target.pk != item.category_id:
        before = _carry_state(item)
        ItemMove.objects.create(
            item=item, from_category=item.category, to_category=target, actor=actor
        )
        item.category = target
        item.save(update_fields=["category", "updated_at"])
        _place(item, position)
        _settle_copies(item, before)
    elif position is not None:
        _place(item, position)
    else:
        return item
    _mark_submitted(item.update, actor)
    return item


@transaction.atomic
def item_delete(*, actor: Person, item: Item) -> Item:
    """Soft-delete: the item disappears from the update and may be restored for 30 days."""
    item = _lock_item(item)
    _require_update_writer(actor, item.update.person)
    if item.deleted_at is None:
        before = _carry_state(item)
        item.deleted_at = timezone.now()
        item.save(update_fields=["deleted_at", "updated_at"])
        _settle_copies(item, before)
    return item


@transaction.atomic
def item_restore(*, actor: Person, item: Item) -> Item:
    """Bring a deleted item back (last in its category) within 30 days of its deletion."""
    item = _lock_item(item)
    _require_update_writer(actor, item.update.person)
    if item.deleted_at is None:
        return item
    if timezone.now() - item.deleted_at > RESTORE_WINDOW:
        raise Conflict(
            {"__all__": "This item was deleted more than 30 days ago and cannot be restored."}
        )
    before = _carry_state(item)
    item.deleted_at = None
    item.settled = False  # brought back by hand: the person's own from now on
    item.save(update_fields=["deleted_at", "settled", "updated_at"])
    _place(item, None)
    _settle_copies(item, before)
    return item
