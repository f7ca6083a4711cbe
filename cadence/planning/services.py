"""Planning: carry an objective forward into a later cycle as a new draft linked to it."""

from django.core.exceptions import ValidationError
from django.db import transaction

from cadence.core.errors import Conflict
from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit

# A key result counts as reached (and is not carried) once its progress is 100%.
REACHED = 1.0


@transaction.atomic
def objective_carry_forward(
    *, actor: Person, objective: Objective, cycle: Cycle, unit: Unit | None = None
) -> Objective:
    """Carry an objective into a later cycle as a NEW draft objective linked to it
    (``carried_from``), not a silent copy.

    The title, why, commitment, owner and standalone reason are copied; the alignment is kept
    only when the parent objective's cycle also covers the new cycle (an annual objective).
    Key results not yet reached come along, each starting where the old one ended (its last
    value) with the same target; reached ones stay behind. Same unit unless ``unit`` is given;
    the actor must be able to edit that unit. Carrying the same objective twice into the same
    cycle is refused."""
    okr_services.require_member(actor, objective.organization_id)
    # Lock the source: two people carrying it at once must not create two successors.
    source = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit", "owner", "parent__cycle")
        .get(pk=objective.pk)
    )
    personal = source.owner_person_id is not None
    if personal:
        # One person's own: carried by its owner, into another objective of theirs.
        okr_services.require_objective_editor(actor, source)
        if unit is not None:
            raise ValidationError({"unit": "A personal objective stays its owner's own."})
    else:
        unit = unit or source.unit
    if cycle.organization_id != source.organization_id:
        raise ValidationError({"cycle": "Choose a cycle of this organization."})
    if not personal and unit.organization_id != source.organization_id:
        raise ValidationError({"unit": "Choose a unit of this organization."})
    if not personal:
        okr_services.require_unit_editor(actor, unit)
    if cycle.start <= source.cycle.end:
        raise ValidationError(
            {"cycle": f"Carry it into a cycle that starts after {source.cycle.name} ends."}
        )
    if cycle.closed_at:
        raise Conflict({"cycle": f"{cycle.name} is closed: it takes no new objectives."})
    successor = Objective.objects.filter(carried_from=source, cycle=cycle).first()
    if successor is not None:
        raise Conflict({"cycle": f"This objective was already carried forward into {cycle.name}."})
    parent = source.parent
    if parent is not None and (
        parent.is_abandoned or not parent.cycle.contains(cycle) or parent.pk == source.pk
    ):
        parent = None
    owner = source.owner if source.owner is not None and source.owner.is_active else None
    if personal:
        carried = okr_services.personal_objective_create(
            actor=actor,
            cycle=cycle,
            title=source.title,
            why=source.why,
            commitment=source.commitment,
            parent=parent,
            counts_in_parent=source.counts_in_parent and parent is not None,
            visibility=source.visibility,
        )
    else:
        carried = okr_services.objective_create(
            actor=actor,
            cycle=cycle,
            unit=unit,
            title=source.title,
            why=source.why,
            commitment=source.commitment,
            parent=parent,
            owner=owner,
            standalone_reason=source.standalone_reason,
        )
    Objective.objects.filter(pk=carried.pk).update(carried_from=source)
    carried.carried_from = source
    for kr in KeyResult.objects.filter(objective=source).select_related("owner"):
        progress = kr.progress
        if progress is not None and progress >= REACHED:
            continue
        # Metrics start where the old key result ended; thresholds keep their bound, and
        # milestones start again at 0 → 1 (the service sets both).
        start = kr.value_now if kr.kind == KeyResult.Kind.METRIC else kr.start
        okr_services.key_result_create(
            actor=actor,
            objective=carried,
            title=kr.title,
            kind=kr.kind,
            start=start,
            target=kr.target,
            unit=kr.unit,
            direction=kr.direction,
            weight=kr.weight,
            owner=kr.owner if kr.owner is not None and kr.owner.is_active else None,
            commitment=kr.commitment,
        )
    return carried
