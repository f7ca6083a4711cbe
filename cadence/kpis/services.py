"""Every write of KPIs: keyword-only, permission-checked, validated before anything is written,
each in one transaction.

Who may do what (like OKRs, docs/method.md §6): a unit's members, the leads of the units above
it and admins create its KPIs and enter their values; its leads (and leads above) and admins
change, archive and restore them and draft a recovery objective. Viewers read only.

A KPI's status is kept on its row from its latest value (``bands.latest``). Every change that
can move it — a value, a new band — locks the KPI row first, so two of them at the same moment
follow one another; when the status moves out of the band, a ``KpiCrossing`` is written and
``hooks.kpi_left_band`` tells the apps above in the same transaction (the feed notifies each of
the owner unit's leads, ``selectors.leads_to_tell``): a crossing is told exactly once, and a
change that rolls back tells nobody.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cadence.audit.services import audit_record, changes_between
from cadence.core.errors import Conflict
from cadence.core.limits import DATE_RANGE_TEXT, FIRST_DATE, MAX_MEASURE_UNIT, MAX_NAME
from cadence.core.validators import validate_finite
from cadence.kpis import bands, hooks
from cadence.kpis.models import Kpi, KpiCrossing, KpiValue
from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access

EDITABLE_FIELDS = ("name", "unit_of_measure", "band_min", "band_max", "frequency", "owner")


# Who may -------------------------------------------------------------------------------------


def _require_member(actor: Person, organization_id) -> None:
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")
    if actor.is_viewer:
        raise PermissionDenied("Viewers read KPIs but cannot change them.")


def can_enter_values(actor: Person, unit: Unit, access: Access | None = None) -> bool:
    """The unit's members, leads above it and admins create its KPIs and enter values."""
    return actor.is_active and not actor.is_viewer and (access or Access(actor)).can_edit_unit(unit)


def can_manage(actor: Person, unit: Unit, access: Access | None = None) -> bool:
    """The unit's leads, leads above it and admins change, archive and recover its KPIs."""
    return actor.is_active and (access or Access(actor)).can_lead_unit(unit)


def value_entry_refusal(actor: Person, unit: Unit) -> PermissionDenied | None:
    """Why ``actor`` may not enter values of the unit's KPIs (None: they may). Apps above ask it
    for what goes with entering values (a KPI's data source)."""
    try:
        _require_member(actor, unit.organization_id)
    except PermissionDenied as refusal:
        return refusal
    if not can_enter_values(actor, unit):
        return PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")
    return None


def _require_value_writer(actor: Person, unit: Unit) -> None:
    refusal = value_entry_refusal(actor, unit)
    if refusal is not None:
        raise refusal


def _require_manager(actor: Person, unit: Unit) -> None:
    _require_member(actor, unit.organization_id)
    if not can_manage(actor, unit):
        raise PermissionDenied(f"Only the leads of {unit.name} and admins may do this.")


# Validation ----------------------------------------------------------------------------------


def _clean(
    *,
    name: str,
    unit_of_measure: str,
    band_min: float | None,
    band_max: float | None,
    frequency: str,
) -> dict:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    unit_of_measure = (unit_of_measure or "").strip()
    if not name:
        errors["name"] = "Name the KPI."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Keep the name to {MAX_NAME} characters or fewer."
    if len(unit_of_measure) > MAX_MEASURE_UNIT:
        errors["unit_of_measure"] = f"Keep the unit to {MAX_MEASURE_UNIT} characters or fewer."
    if frequency not in Kpi.Frequency.values:
        errors["frequency"] = "Choose daily, weekly, monthly or quarterly."
    for field, bound in (("band_min", band_min), ("band_max", band_max)):
        try:
            validate_finite(bound)
        except ValidationError as exc:
            errors[field] = exc.messages[0]
    if "band_min" not in errors and "band_max" not in errors:
        errors.update(bands.band_errors(band_min, band_max))
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "unit_of_measure": unit_of_measure,
        "band_min": None if band_min is None else float(band_min),
        "band_max": None if band_max is None else float(band_max),
        "frequency": frequency,
    }


def _require_unique_name(unit: Unit, name: str, exclude: Kpi | None = None) -> None:
    same = Kpi.objects.filter(unit=unit, archived_at__isnull=True, name__iexact=name)
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if same.exists():
        raise ValidationError({"name": f"{unit.name} already has a KPI named {name}."})


def _require_owner(owner: Person | None, organization_id) -> None:
    if owner is not None and (owner.organization_id != organization_id or not owner.is_active):
        raise ValidationError({"owner": "Choose an active person of this organization."})


def _facts(kpi: Kpi) -> dict:
    return {
        "name": kpi.name,
        "unit": kpi.unit.name,
        "unit_of_measure": kpi.unit_of_measure,
        "band_min": kpi.band_min,
        "band_max": kpi.band_max,
        "frequency": kpi.frequency,
        "owner": kpi.owner.name if kpi.owner else None,
    }


# Status and crossings ------------------------------------------------------------------------


def _locked(kpi: Kpi) -> Kpi:
    """The KPI's row, locked for this transaction (every change of its status takes it)."""
    return Kpi.objects.select_for_update().select_related("unit").get(pk=kpi.pk)


def _refresh_status(kpi: Kpi, *, value: KpiValue | None = None) -> KpiCrossing | None:
    """Set the locked KPI's status from its latest value and its band; record and tell a
    crossing when that takes it out of its band. Returns the crossing, if any."""
    latest = KpiValue.objects.filter(kpi=kpi).order_by("-at", "-seq").first()
    before = kpi.status
    kpi.current_value = latest.value if latest else None
    kpi.current_at = latest.at if latest else None
    kpi.status = bands.status_of(kpi.current_value, kpi.band_min, kpi.band_max)
    kpi.save(update_fields=["current_value", "current_at", "status", "updated_at"])
    if not bands.left_band(before, kpi.status) or kpi.archived_at is not None:
        return None
    crossing = KpiCrossing.objects.create(
        organization_id=kpi.organization_id,
        kpi=kpi,
        # The value that took it out, when it is the latest one (a new band otherwise).
        value=value if value is not None and latest is not None and value.pk == latest.pk else None,
        current_value=kpi.current_value,
        band_min=kpi.band_min,
        band_max=kpi.band_max,
    )
    # The owner unit's leads are told by the feed's notifications (in the app, by email, in
    # their team's channel, as each chose), outgoing webhooks by integrations.
    hooks.kpi_left_band(kpi=kpi, crossing=crossing)
    return crossing


# Writes --------------------------------------------------------------------------------------


@transaction.atomic
def kpi_create(
    *,
    actor: Person,
    unit: Unit,
    name: str,
    band_min: float | None = None,
    band_max: float | None = None,
    frequency: str = Kpi.Frequency.WEEKLY,
    unit_of_measure: str = "",
    owner: Person | None = None,
) -> Kpi:
    _require_value_writer(actor, unit)
    if unit.archived_at is not None:
        raise ValidationError({"unit": f"{unit.name} is archived: choose another unit."})
    data = _clean(
        name=name,
        unit_of_measure=unit_of_measure,
        band_min=band_min,
        band_max=band_max,
        frequency=frequency,
    )
    _require_owner(owner, actor.organization_id)
    _require_unique_name(unit, data["name"])
    kpi = Kpi.objects.create(
        organization_id=actor.organization_id,
        unit=unit,
        owner=owner,
        created_by=actor,
        **data,
    )
    audit_record(
        organization=kpi.organization_id,
        kind="kpi.created",
        actor=actor,
        target=kpi,
        changes=changes_between({}, _facts(kpi)),
    )
    return kpi


@transaction.atomic
def kpi_update(*, actor: Person, kpi: Kpi, **changes) -> Kpi:
    """Change a KPI's name, unit of measure, band, frequency or owner. A new band that puts its
    latest value outside is a crossing like any other."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    kpi = _locked(kpi)
    _require_manager(actor, kpi.unit)
    before = _facts(kpi)
    merged = {name: changes.get(name, getattr(kpi, name)) for name in EDITABLE_FIELDS}
    data = _clean(
        name=merged["name"],
        unit_of_measure=merged["unit_of_measure"],
        band_min=merged["band_min"],
        band_max=merged["band_max"],
        frequency=merged["frequency"],
    )
    _require_owner(merged["owner"], kpi.organization_id)
    if data["name"].lower() != kpi.name.lower():
        _require_unique_name(kpi.unit, data["name"], exclude=kpi)
    for name, value in data.items():
        setattr(kpi, name, value)
    kpi.owner = merged["owner"]
    kpi.save()
    _refresh_status(kpi)
    changed = changes_between(before, _facts(kpi))
    if changed:
        audit_record(
            organization=kpi.organization_id,
            kind="kpi.updated",
            actor=actor,
            target=kpi,
            changes=changed,
        )
    return kpi


@transaction.atomic
def kpi_archive(*, actor: Person, kpi: Kpi) -> Kpi:
    """Stop watching a KPI: it leaves the lists and the coach's comparisons; its values stay."""
    kpi = _locked(kpi)
    _require_manager(actor, kpi.unit)
    if kpi.archived_at is not None:
        raise Conflict("This KPI is already archived.")
    kpi.archived_at = timezone.now()
    kpi.save(update_fields=["archived_at", "updated_at"])
    audit_record(organization=kpi.organization_id, kind="kpi.archived", actor=actor, target=kpi)
    return kpi


@transaction.atomic
def kpi_restore(*, actor: Person, kpi: Kpi) -> Kpi:
    kpi = _locked(kpi)
    _require_manager(actor, kpi.unit)
    if kpi.archived_at is None:
        raise Conflict("This KPI is not archived.")
    _require_unique_name(kpi.unit, kpi.name, exclude=kpi)
    kpi.archived_at = None
    kpi.save(update_fields=["archived_at", "updated_at"])
    audit_record(organization=kpi.organization_id, kind="kpi.restored", actor=actor, target=kpi)
    return kpi


@transaction.atomic
def kpi_value_add(
    *,
    actor: Person,
    kpi: Kpi,
    value: float,
    at: date | None = None,
    today: date | None = None,
    source: str = "",
) -> KpiValue:
    """Enter one value of a KPI, on ``at`` (today when not given; never after today). The
    KPI's status follows its latest value, whatever order values are entered in; leaving the
    band records a crossing and tells the owner unit's leads, once.

    ``source``: the value is a data source's (integrations), named so; ``actor`` is then the
    person the source acts for (their rights are checked), and the value has no ``entered_by``.
    """
    today = today or timezone.localdate()
    kpi = _locked(kpi)
    _require_value_writer(actor, kpi.unit)
    if kpi.archived_at is not None:
        raise Conflict("This KPI is archived: restore it to enter values.")
    errors: dict[str, str] = {}
    try:
        validate_finite(value)
    except ValidationError as exc:
        errors["value"] = exc.messages[0]
    at = at or today
    if not FIRST_DATE <= at <= today:
        errors["at"] = f"Enter a date {DATE_RANGE_TEXT}, and not after today."
    if errors:
        raise ValidationError(errors)
    seq = (KpiValue.objects.filter(kpi=kpi).aggregate(m=Max("seq"))["m"] or 0) + 1
    row = KpiValue.objects.create(
        organization_id=kpi.organization_id,
        kpi=kpi,
        value=float(value),
        at=at,
        entered_by=None if source else actor,
        seq=seq,
        source=source[:200],
    )
    _refresh_status(kpi, value=row)
    row.kpi = kpi
    return row


@transaction.atomic
def kpi_recovery_create(
    *,
    actor: Person,
    kpi: Kpi,
    cycle: Cycle,
    title: str,
    unit: Unit | None = None,
    why: str = "",
    commitment: str = Objective.Commitment.COMMITTED,
    parent: Objective | None = None,
    owner: Person | None = None,
    standalone_reason: str = "",
    visibility: str = Objective.Visibility.ORGANIZATION,
) -> Objective:
    """Create the draft objective that brings a KPI back into its band, and link the two. Only
    ever on a lead's request (the KPI's page offers it prefilled); a KPI has one recovery
    objective at a time, a new one only once the last is closed or abandoned."""
    kpi = _locked(kpi)
    _require_manager(actor, kpi.unit)
    current = kpi.recovery_objective
    if current is not None and current.state not in (
        Objective.State.CLOSED,
        Objective.State.ABANDONED,
    ):
        raise Conflict(f"{kpi.name} already has a recovery objective: {current.title}.")
    objective = okr_services.objective_create(
        actor=actor,
        cycle=cycle,
        unit=unit or kpi.unit,
        title=title,
        why=why,
        commitment=commitment,
        parent=parent,
        owner=owner,
        state=Objective.State.DRAFT,
        standalone_reason=standalone_reason,
        visibility=visibility,
    )
    kpi.recovery_objective = objective
    kpi.save(update_fields=["recovery_objective", "updated_at"])
    audit_record(
        organization=kpi.organization_id,
        kind="kpi.recovery_linked",
        actor=actor,
        target=kpi,
        changes={"recovery_objective": [current.title if current else None, objective.title]},
    )
    return objective
