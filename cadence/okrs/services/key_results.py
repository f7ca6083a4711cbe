"""Key results (create, change with the target history, delete) and check-ins."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core.errors import Conflict
from cadence.core.limits import MAX_TEXT
from cadence.okrs import hooks, permissions
from cadence.okrs.models import CheckIn, KeyResult, Objective, TargetChange
from cadence.okrs.services import trail
from cadence.okrs.services.common import (
    KR_FIELDS,
    coach_gate,
    external_id_refusal,
    require_objective_editor,
    require_open_cycle,
)
from cadence.okrs.services.stored_progress import progress_refresh
from cadence.orgs.models import Person

# Key results ------------------------------------------------------------------------------


def validate_key_result(kr: KeyResult) -> None:
    kr.full_clean(exclude=["organization", "objective", "owner"])
    errors: dict[str, str] = {}
    if kr.kind == KeyResult.Kind.METRIC:
        if kr.target is None:
            errors["target"] = "A metric key result needs a target value."
        elif kr.start is not None and kr.start == kr.target:
            errors["target"] = "The target must differ from the start value."
        kr.direction = ""
    elif kr.kind == KeyResult.Kind.THRESHOLD:
        if kr.target is None:
            errors["target"] = "A threshold key result needs the bound to hold."
        if not kr.direction:
            kr.direction = KeyResult.Direction.AT_LEAST
    elif kr.kind == KeyResult.Kind.MILESTONE:
        kr.start, kr.target, kr.direction = 0.0, 1.0, ""
    if kr.owner is not None and kr.owner.organization_id != kr.organization_id:
        errors["owner"] = "Choose a person of this organization."
    if refusal := external_id_refusal(KeyResult, kr.organization_id, kr.external_id, kr.pk):
        errors["external_id"] = refusal
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def key_result_create(
    *,
    actor: Person,
    objective: Objective,
    title: str,
    kind: str = KeyResult.Kind.METRIC,
    start: float | None = None,
    target: float | None = None,
    unit: str = "",
    direction: str = "",
    weight: float = 1.0,
    owner: Person | None = None,
    commitment: str = "",
    external_id: str = "",
) -> KeyResult:
    # The stored objective, not the caller's copy (it may since have been abandoned or closed).
    objective = Objective.objects.select_related("unit", "cycle").get(pk=objective.pk)
    require_objective_editor(actor, objective)
    require_open_cycle(objective.cycle)
    if objective.state in (Objective.State.ABANDONED, Objective.State.CLOSED):
        raise Conflict("This objective is no longer open for new key results.")
    kr = KeyResult(
        organization_id=objective.organization_id,
        objective=objective,
        title=(title or "").strip(),
        kind=kind,
        start=start,
        target=target,
        unit=(unit or "").strip(),
        direction=direction or "",
        weight=1.0 if weight is None else weight,
        owner=owner,
        commitment=commitment or "",
        external_id=(external_id or "").strip(),
    )
    validate_key_result(kr)
    coach_gate(kr)
    kr.position = KeyResult.objects.filter(objective=objective).count()
    kr.save()
    progress_refresh(objective.pk)
    trail.record_created(
        actor=actor, kind="key_result.created", target=kr, facts=trail.key_result_facts(kr)
    )
    return kr


# Once an objective is approved (or closed) its targets are a commitment: a change of a key
# result's start or target needs a reason, and is kept in the target history.
COMMITTED_STATES = (Objective.State.APPROVED, Objective.State.CLOSED)
TARGET_REASON_NEEDED = (
    "Say why the target changes: the objective is approved, so its targets are a commitment "
    "and the change is kept in the target history."
)


@transaction.atomic
def key_result_update(
    *, actor: Person, key_result: KeyResult, reason: str = "", **changes
) -> KeyResult:
    """Change any of KR_FIELDS. Once the objective is approved, a change of start or target
    needs a ``reason`` and is recorded as a target change (as a review's change is)."""
    unknown = set(changes) - set(KR_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__unit", "objective__cycle")
        .get(pk=key_result.pk)
    )
    require_objective_editor(actor, kr.objective)
    require_open_cycle(kr.objective.cycle)
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": f"Keep the reason under {MAX_TEXT} characters."})
    if "\x00" in reason:
        raise ValidationError({"reason": "Text cannot contain NUL characters."})
    old_start, old_target = kr.start, kr.target
    facts = (*trail.KEY_RESULT_FACTS, "external_id")
    before = trail.key_result_facts(kr, facts)
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "weight" and value is None:
            value = 1.0
        setattr(kr, name, value)
    validate_key_result(kr)
    target_changed = (kr.start, kr.target) != (old_start, old_target)
    committed = kr.objective.state in COMMITTED_STATES
    if committed and target_changed and not reason:
        raise ValidationError({"reason": TARGET_REASON_NEEDED})
    if reason and not target_changed:
        raise ValidationError({"reason": "A reason goes with a change of the start or target."})
    coach_gate(kr)
    kr.save()
    progress_refresh(kr.objective_id)
    after = trail.key_result_facts(kr, facts)
    rest = [f for f in trail.KEY_RESULT_FACTS if f not in trail.TARGET_FACTS]
    if "external_id" in changes:
        rest.append("external_id")
    trail.record_changes(
        actor=actor,
        kind="key_result.updated",
        target=kr,
        before={f: before[f] for f in rest},
        after={f: after[f] for f in rest},
    )
    if target_changed:
        trail.record_target_change(
            actor=actor, key_result=kr, old_start=old_start, old_target=old_target, reason=reason
        )
    if committed and target_changed:
        target_change_record(
            actor=actor, key_result=kr, old_start=old_start, old_target=old_target, reason=reason
        )
    return kr


@transaction.atomic
def key_result_delete(*, actor: Person, key_result: KeyResult) -> None:
    kr = KeyResult.objects.select_related("objective__unit", "objective__cycle").get(
        pk=key_result.pk
    )
    require_objective_editor(actor, kr.objective)
    require_open_cycle(kr.objective.cycle)
    objective_id = kr.objective_id
    trail.record_deleted(
        actor=actor, kind="key_result.deleted", target=kr, facts=trail.key_result_facts(kr)
    )
    kr.delete()
    progress_refresh(objective_id)


# Check-ins --------------------------------------------------------------------------------


@transaction.atomic
def check_in_create(
    *,
    actor: Person,
    key_result: KeyResult,
    value: float,
    confidence: str,
    note: str = "",
    at: datetime | None = None,
    source: str = "",
) -> CheckIn:
    """Append a check-in and make it the key result's current value.

    ``source``: the check-in is a data source's (integrations), named so; ``actor`` is then the
    person the source acts for (their rights are checked), and the check-in has no author.

    The key result's row is locked first, so concurrent check-ins queue up: every one is kept
    and the current value is always the latest one's. The objective's stored progress and its
    ancestors' are recomputed in the same transaction, so a parent's roll-up is never stale.
    """
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__unit", "objective__cycle")
        .get(pk=key_result.pk)
    )
    objective = kr.objective
    if refusal := permissions.check_in_refusal(actor, objective, kr):
        raise refusal
    if kr.kind == KeyResult.Kind.MILESTONE and value not in (0, 1):
        # The number is fine; this key result's kind takes only these two.
        raise Conflict({"value": "A milestone takes 1 (done) or 0 (not done)."})
    check_in = CheckIn(
        organization_id=kr.organization_id,
        key_result=kr,
        author=None if source else actor,
        value=value,
        confidence=confidence,
        note=(note or "").strip(),
        at=at or timezone.now(),
        source=source[:200],
    )
    # (A new row with a fresh UUID: no uniqueness to look up.)
    check_in.full_clean(exclude=["organization", "key_result", "author"], validate_unique=False)
    if len(check_in.note) > MAX_TEXT:
        # TextField's max_length is not checked by full_clean.
        raise ValidationError({"note": f"Keep the note under {MAX_TEXT} characters."})
    check_in.save()
    fields = []
    if kr.last_check_in_at is None or check_in.at >= kr.last_check_in_at:
        kr.current = check_in.value
        kr.confidence = check_in.confidence
        kr.last_check_in_at = check_in.at
        fields += ["current", "confidence", "last_check_in_at"]
    if kr.kind == KeyResult.Kind.METRIC and kr.start is None:
        # No baseline was known: the first measurement becomes the start value.
        first = kr.check_ins.order_by("at", "created_at").first()
        kr.start = first.value if first else check_in.value
        kr.start_from_first_check_in = True
        if kr.start == kr.target:
            raise Conflict(
                {
                    "value": "This first measurement already equals the target: set a start value "
                    "or a more ambitious target first."
                }
            )
        fields += ["start", "start_from_first_check_in"]
    if fields:
        kr.save(update_fields=[*fields, "updated_at"])
        progress_refresh(objective.pk)
    hooks.check_in_created(actor=actor, key_result=kr, check_in=check_in)
    return check_in


def target_change_record(
    *,
    actor: Person,
    key_result: KeyResult,
    old_start: float | None,
    old_target: float | None,
    reason: str,
    review=None,
) -> TargetChange:
    """Append the history row of a committed key result's move from ``old_start``/``old_target``
    to its saved start and target (an edit, or a review's change when ``review`` is given)."""
    return TargetChange.objects.create(
        organization_id=key_result.organization_id,
        key_result=key_result,
        review=review,
        old_start=old_start,
        old_target=old_target,
        new_start=key_result.start,
        new_target=key_result.target,
        reason=reason,
        actor=actor,
    )
