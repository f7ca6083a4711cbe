"""Changing the rollout (docs/method.md §9): the mode and the pilot units, by admins, audited."""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.orgs import rollout
from cadence.orgs.acting import audit_change, require_admin
from cadence.orgs.models import Organization, Person, Unit

MAX_PILOT_UNITS = 200


@transaction.atomic
def rollout_update(
    *,
    actor: Person | None,
    organization: Organization,
    mode: str,
    pilot_unit_ids: Iterable[UUID],
) -> Organization:
    """An admin chooses who the weekly rhythm asks for now: everyone, team leads only, or the
    people of the pilot units (departments or teams of the organization, not archived; at least
    one in the pilot mode). The pilot units are kept as chosen in every mode."""
    require_admin(actor, organization.pk, "Only admins choose how Cadence is rolled out.")
    wanted = list(dict.fromkeys(pilot_unit_ids))
    errors: dict[str, str] = {}
    if mode not in rollout.MODES:
        errors["mode"] = "Choose pilot, leads or everyone."
    if len(wanted) > MAX_PILOT_UNITS:
        errors["pilot_unit_ids"] = f"Choose at most {MAX_PILOT_UNITS} pilot units."
    units = {
        u.pk: u
        for u in Unit.objects.filter(
            organization=organization, pk__in=wanted[: MAX_PILOT_UNITS + 1]
        )
    }
    if "pilot_unit_ids" not in errors:
        if any(pk not in units for pk in wanted):
            errors["pilot_unit_ids"] = "Choose departments or teams of this organization."
        elif any(u.kind == Unit.Kind.COMPANY for u in units.values()):
            errors["pilot_unit_ids"] = (
                "The company is everyone: choose departments or teams, or the everyone mode."
            )
        elif any(u.is_archived for u in units.values()):
            errors["pilot_unit_ids"] = "An archived unit cannot be a pilot."
        elif mode == rollout.PILOT and not wanted:
            errors["pilot_unit_ids"] = "Choose at least one pilot unit."
    if errors:
        raise ValidationError(errors)
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    before_ids = set(
        Unit.objects.filter(organization=organization, rollout_pilot=True).values_list(
            "pk", flat=True
        )
    )
    before_names = sorted(
        Unit.objects.filter(pk__in=before_ids).values_list("name", flat=True), key=str.lower
    )
    after_names = sorted((u.name for u in units.values()), key=str.lower)
    changes: dict[str, list] = {}
    if organization.rollout_mode != mode:
        changes["rollout_mode"] = [organization.rollout_mode, mode]
    if before_ids != set(units):
        changes["pilot_units"] = [before_names, after_names]
    if not changes:
        return organization
    now = timezone.now()
    if "rollout_mode" in changes:
        organization.rollout_mode = mode
        organization.save(update_fields=["rollout_mode", "updated_at"])
    if "pilot_units" in changes:
        Unit.objects.filter(pk__in=before_ids - set(units)).update(
            rollout_pilot=False, updated_at=now
        )
        Unit.objects.filter(pk__in=set(units) - before_ids).update(
            rollout_pilot=True, updated_at=now
        )
    audit_change(
        "organization.rollout_changed",
        actor=actor,
        target=organization,
        organization=organization,
        changes=changes,
    )
    return organization
