"""Every write to weekly updates: categories, items, moves, deletion and carry-over.

Each service takes keyword-only arguments, checks the actor may act (``PermissionDenied``),
validates everything before it writes (``ValidationError`` with a field → message dict) and runs
inside one transaction: bad input saves nothing.

Who writes what:
- a person's weekly update: the person themself, or an organization admin; viewers never;
- organization-wide categories: admins; a team's categories: admins and whoever may edit the team
  (its members, and leads of a unit above it — ``orgs.selectors.Access``).

Carry-over (method.md §4, issue 3 item 2): at a week's deadline every *open* item of that week —
not deleted, in a category that carries over (Plans, Problems, or a custom category created with
``carries_over=True``) that is not archived, and not carried before — is copied into the person's
next week as a NEW item whose ``carried_over_from`` is the original. The original stays in its
week, untouched, as history. ``carried_over_from`` is one-to-one, so an item is carried at most
once however often, however late and however concurrently the rollover runs; a carried copy that
is still open at the next deadline carries on in turn (a chain, one link per week).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.selectors import Access
from cadence.weekly import selectors
from cadence.weekly.models import BUILT_IN, Category, Item, ItemMove, WeeklyUpdate
from cadence.weekly.weeks import monday_of, next_week

MAX_ITEM_TEXT = 1000
MAX_CATEGORY_NAME = 60
RESTORE_WINDOW = timedelta(days=30)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


# Permissions ------------------------------------------------------------------------------


def _require_member(actor: Person, organization_id) -> None:
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")


def _require_update_writer(actor: Person, person: Person) -> None:
    """Only the person themself, or an admin of their organization, writes their update."""
    _require_member(actor, person.organization_id)
    if actor.is_viewer:
        raise PermissionDenied("Viewers read weekly updates; they do not write them.")
    if actor.pk != person.pk and not actor.is_admin:
        raise PermissionDenied("Only the person themself or an admin may change this update.")
    if person.is_viewer:
        raise PermissionDenied("Viewers do not keep weekly updates.")


def _require_category_editor(actor: Person, organization: Organization, unit: Unit | None) -> None:
    _require_member(actor, organization.pk)
    if actor.is_viewer:
        raise PermissionDenied("Viewers cannot change categories.")
    if unit is None:
        if not actor.is_admin:
            raise PermissionDenied("Only organization admins change organization-wide categories.")
    elif not Access(actor).can_edit_unit(unit):
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")


# Categories -------------------------------------------------------------------------------


@transaction.atomic
def categories_create_defaults(*, organization: Organization) -> list[Category]:
    """Plans, Progress and Problems for an organization (idempotent: existing ones are kept)."""
    out = []
    for position, (slug, name, carries_over) in enumerate(BUILT_IN):
        category, _ = Category.objects.get_or_create(
            organization=organization,
            unit=None,
            slug=slug,
            defaults={"name": name, "position": position, "carries_over": carries_over},
        )
        out.append(category)
    return out


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Give the category a name."})
    if len(name) > MAX_CATEGORY_NAME:
        raise ValidationError({"name": f"Keep the name to {MAX_CATEGORY_NAME} characters."})
    return name


def _scope(organization: Organization, unit: Unit | None):
    """The categories ordered together with one category: org-wide ones, or one team's."""
    return Category.objects.filter(organization=organization, unit=unit)


def _check_name_free(
    organization: Organization, unit: Unit | None, name: str, exclude: UUID | None = None
) -> None:
    """Names must be unambiguous on a team's update: no clash with the organization-wide
    categories or the team's own (archived ones excluded)."""
    clash = Category.objects.filter(
        organization=organization, archived_at__isnull=True, name__iexact=name
    )
    clash = clash.filter(Q(unit=None) | Q(unit=unit)) if unit else clash
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise ValidationError({"name": "A category with this name already exists."})


def _free_slug(organization: Organization, unit: Unit | None, name: str) -> str:
    """A slug unused by the organization-wide categories and, for a team's, by the team's own;
    an organization-wide slug must also be unused by every team (a team member's update looks
    categories up by slug among both)."""
    base = (slugify(name) or "category")[:34].strip("-") or "category"
    taken = Category.objects.filter(organization=organization)
    if unit is not None:
        taken = taken.filter(Q(unit=None) | Q(unit=unit))
    used = set(taken.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in used:
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def category_create(
    *, actor: Person, name: str, unit: Unit | None = None, carries_over: bool = False
) -> Category:
    """A custom category for the whole organization (``unit=None``) or for one team. Its slug is
    made from the name and never changes, so renaming keeps API clients working."""
    organization = actor.organization
    if unit is not None and unit.organization_id != organization.pk:
        raise PermissionDenied("You are not part of this organization.")
    _require_category_editor(actor, organization, unit)
    name = _clean_name(name)
    if unit is not None and unit.kind != Unit.Kind.TEAM:
        raise ValidationError({"unit": "Custom categories belong to a team or the organization."})
    _check_name_free(organization, unit, name)
    last = _scope(organization, unit).filter(archived_at__isnull=True).aggregate(m=Max("position"))
    category = Category(
        organization=organization,
        unit=unit,
        slug=_free_slug(organization, unit, name),
        name=name,
        position=(last["m"] + 1) if last["m"] is not None else 0,
        carries_over=bool(carries_over),
    )
    category.full_clean(exclude=["organization", "unit"])
    category.save()
    return category


def _lock_category(category: Category) -> Category:
    return (
        Category.objects.select_for_update(of=("self",)).select_related("unit").get(pk=category.pk)
    )


@transaction.atomic
def category_update(
    *,
    actor: Person,
    category: Category,
    name: str | None = None,
    position: int | None = None,
) -> Category:
    """Rename and/or reorder. ``position`` is the 0-based place among the active categories of
    the same scope (organization-wide ones come first on every update, then the team's own)."""
    category = _lock_category(category)
    _require_category_editor(actor, actor.organization, category.unit)
    _require_member(actor, category.organization_id)
    if category.archived_at is not None:
        raise ValidationError({"__all__": "This category is archived; restore it first."})
    if name is not None:
        name = _clean_name(name)
        _check_name_free(actor.organization, category.unit, name, exclude=category.pk)
    if position is not None and (not isinstance(position, int) or position < 0):
        raise ValidationError({"position": "Position must be 0 or more."})
    if name is not None:
        category.name = name
        category.save(update_fields=["name", "updated_at"])
    if position is not None:
        siblings = list(
            _scope(actor.organization, category.unit)
            .filter(archived_at__isnull=True)
            .exclude(pk=category.pk)
            .select_for_update()
            .order_by("position", "name")
        )
        siblings.insert(min(position, len(siblings)), category)
        for index, sibling in enumerate(siblings):
            if sibling.position != index:
                Category.objects.filter(pk=sibling.pk).update(position=index)
        category.position = siblings.index(category)
    return category


@transaction.atomic
def category_archive(*, actor: Person, category: Category) -> Category:
    """Hide a custom category from new items. Its items stay where they are, readable."""
    category = _lock_category(category)
    _require_category_editor(actor, actor.organization, category.unit)
    _require_member(actor, category.organization_id)
    if category.is_built_in:
        raise ValidationError(
            {"__all__": f"{category.name} is built in: rename or reorder it instead."}
        )
    if category.archived_at is None:
        category.archived_at = timezone.now()
        category.save(update_fields=["archived_at", "updated_at"])
    return category


@transaction.atomic
def category_restore(*, actor: Person, category: Category) -> Category:
    """Bring an archived category back, last in its scope."""
    category = _lock_category(category)
    _require_category_editor(actor, actor.organization, category.unit)
    _require_member(actor, category.organization_id)
    if category.archived_at is not None:
        _check_name_free(actor.organization, category.unit, category.name, exclude=category.pk)
        last = (
            _scope(actor.organization, category.unit)
            .filter(archived_at__isnull=True)
            .aggregate(m=Max("position"))
        )
        category.archived_at = None
        category.position = (last["m"] + 1) if last["m"] is not None else 0
        category.save(update_fields=["archived_at", "position", "updated_at"])
    return category


# Items ------------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write what you plan, did or are stuck on."})
    if len(text) > MAX_ITEM_TEXT:
        raise ValidationError({"text": f"Keep it to {MAX_ITEM_TEXT} characters or fewer."})
    return text


def _category_by_slug(person: Person, slug: str) -> Category:
    """An active category the person's update may use: organization-wide or their team's."""
    slug = (slug or "").strip().lower() if isinstance(slug, str) else ""
    for category in selectors.categories_for(person.organization, selectors.primary_team(person)):
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
        WeeklyUpdate.objects.filter(pk=update.pk, submitted_at__isnull=True).update(
            submitted_at=update.submitted_at
        )


def _lock_item(item: Item) -> Item:
    return (
        Item.objects.select_for_update(of=("self",))
        .select_related("update", "update__person", "category")
        .get(pk=item.pk)
    )


def _require_live(item: Item) -> None:
    if item.deleted_at is not None:
        raise ValidationError({"__all__": "This item was deleted; restore it first."})


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
) -> Item:
    """Add an item to a person's update for a week (any day of the week names it). Unplanned
    work goes straight to ``progress``."""
    _require_update_writer(actor, person)
    week = monday_of(week)
    errors: dict[str, list[str]] = {}
    try:
        text = _clean_text(text)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        chosen = _category_by_slug(person, category)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        objective, key_result = _links(person.organization_id, objective, key_result)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    update = _update_for(person, week)
    item = Item.objects.create(
        organization_id=person.organization_id,
        update=update,
        category=chosen,
        text=text,
        objective=objective,
        key_result=key_result,
        position=_next_position(update, chosen),
        created_by=actor,
    )
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
    item = _lock_item(item)
    person = item.update.person
    _require_update_writer(actor, person)
    _require_live(item)
    target = item.category
    if (category or "") != item.category.slug:
        target = _category_by_slug(person, category)
    # Serialize positions within the update.
    WeeklyUpdate.objects.select_for_update().filter(pk=item.update_id).first()
    if target.pk != item.category_id:
        ItemMove.objects.create(
            item=item, from_category=item.category, to_category=target, actor=actor
        )
        item.category = target
        item.save(update_fields=["category", "updated_at"])
        _place(item, position)
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
        item.deleted_at = timezone.now()
        item.save(update_fields=["deleted_at", "updated_at"])
    return item


@transaction.atomic
def item_restore(*, actor: Person, item: Item) -> Item:
    """Bring a deleted item back (last in its category) within 30 days of its deletion."""
    item = _lock_item(item)
    _require_update_writer(actor, item.update.person)
    if item.deleted_at is None:
        return item
    if timezone.now() - item.deleted_at > RESTORE_WINDOW:
        raise ValidationError(
            {"__all__": "This item was deleted more than 30 days ago and cannot be restored."}
        )
    item.deleted_at = None
    item.save(update_fields=["deleted_at", "updated_at"])
    WeeklyUpdate.objects.select_for_update().filter(pk=item.update_id).first()
    _place(item, None)
    return item


# Carry-over -------------------------------------------------------------------------------


def _open_items_filter(prefix: str = "") -> Q:
    """Items still open for carry-over: live, in an active carrying category, not carried yet."""
    return Q(
        **{
            f"{prefix}deleted_at__isnull": True,
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
        source = WeeklyUpdate.objects.select_related("person").get(pk=source_id)
        # Lock the target week: concurrent rollovers of this person queue here, and the one
        # that comes second sees the first one's copies (carried_to) and skips them.
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
