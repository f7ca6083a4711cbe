"""Category writes: the defaults of a new organization, custom categories of the organization
or of a team, renaming, reordering, archiving and restoring."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.text import slugify

from cadence.audit.services import audit_record, changes_between
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_CATEGORY_NAME
from cadence.orgs.models import Organization, Person, Unit
from cadence.weekly.models import BUILT_IN, Category
from cadence.weekly.services.access import _require_category_editor, _require_member


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


def _record(actor: Person, kind: str, category: Category, changes: dict) -> None:
    audit_record(
        organization=category.organization_id,
        kind=kind,
        actor=actor,
        target=category,
        target_label=category.name,
        changes=changes,
    )


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
    _record(
        actor,
        "weekly_category.created",
        category,
        changes_between(
            {},
            {
                "name": name,
                "team": unit.name if unit else "Whole organization",
                "carries_over": category.carries_over,
            },
        ),
    )
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
        raise Conflict({"__all__": "This category is archived; restore it first."})
    if name is not None:
        name = _clean_name(name)
        _check_name_free(actor.organization, category.unit, name, exclude=category.pk)
    if position is not None and (not isinstance(position, int) or position < 0):
        raise ValidationError({"position": "Position must be 0 or more."})
    before = {"name": category.name, "position": category.position}
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
    changes = changes_between(before, {"name": category.name, "position": category.position})
    if changes:
        _record(actor, "weekly_category.updated", category, changes)
    return category


@transaction.atomic
def category_change(
    *, actor: Person, category: Category, archived: bool | None = None, **changes
) -> Category:
    """Any of rename, reorder (``changes``: ``name``, ``position``; a given None changes
    nothing), archive and restore in one change, all or nothing (the API's PATCH): a restore
    comes before a rename or reorder (an archived category cannot be renamed), an archive
    after them. With nothing to change, still only its editors may ask."""
    if set(changes) - {"name", "position"}:
        raise TypeError(f"category_change() got unexpected {sorted(changes)}")
    if archived is False:
        category = category_restore(actor=actor, category=category)
    if changes or archived is None:
        category = category_update(
            actor=actor,
            category=category,
            name=changes.get("name"),
            position=changes.get("position"),
        )
    if archived:
        category = category_archive(actor=actor, category=category)
    return category


@transaction.atomic
def category_archive(*, actor: Person, category: Category) -> Category:
    """Hide a custom category from new items. Its items stay where they are, readable."""
    category = _lock_category(category)
    _require_category_editor(actor, actor.organization, category.unit)
    _require_member(actor, category.organization_id)
    if category.is_built_in:
        raise Conflict({"__all__": f"{category.name} is built in: rename or reorder it instead."})
    if category.archived_at is None:
        category.archived_at = timezone.now()
        category.save(update_fields=["archived_at", "updated_at"])
        _record(actor, "weekly_category.archived", category, {})
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
        _record(actor, "weekly_category.restored", category, {})
    return category
