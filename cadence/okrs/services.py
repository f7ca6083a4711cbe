"""Every write to cycles, objectives, key results and check-ins.

Each service takes keyword-only arguments, checks the actor may act, validates everything
before it writes anything, and runs inside one transaction: bad input saves nothing.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.okrs import progress as arithmetic
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access

KR_FIELDS = (
    "title",
    "kind",
    "start",
    "target",
    "unit",
    "direction",
    "weight",
    "owner",
    "commitment",
)
OBJECTIVE_FIELDS = ("title", "why", "commitment", "parent", "owner", "unit", "standalone_reason")
MAX_TEXT = 2000  # why, abandon reason, check-in note

# Which states an objective may move to from each state (method.md §2).
TRANSITIONS: dict[str, set[str]] = {
    Objective.State.DRAFT: {
        Objective.State.PROPOSED,
        Objective.State.APPROVED,
        Objective.State.ABANDONED,
    },
    Objective.State.PROPOSED: {
        Objective.State.DRAFT,
        Objective.State.APPROVED,
        Objective.State.ABANDONED,
    },
    Objective.State.APPROVED: {
        Objective.State.CLOSED,
        Objective.State.ABANDONED,
        Objective.State.DRAFT,
    },
    Objective.State.CLOSED: {Objective.State.APPROVED},
    Objective.State.ABANDONED: {Objective.State.DRAFT},
}


# Approval (method.md §7): who approves is decided in alignment.selectors.can_approve alone.
_IN_REVIEW = (Objective.State.DRAFT, Objective.State.PROPOSED)
_REVIEW_OUTCOMES = (Objective.State.APPROVED, Objective.State.DRAFT)
APPROVAL_REFUSED = (
    "Only the owner of the objective it aligns to (or, without one, a lead above the team) and "
    "organization admins approve objectives. Propose it instead."
)


def _can_approve(access: Access, objective: Objective) -> bool:
    from cadence.alignment.selectors import can_approve  # alignment builds on okrs

    return can_approve(access, objective)


def _require_member(actor: Person, organization_id) -> None:
    if actor.organization_id != organization_id or not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")


def _require_unit_editor(actor: Person, unit: Unit, access: Access | None = None) -> None:
    _require_member(actor, unit.organization_id)
    if not (access or Access(actor)).can_edit_unit(unit):
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")


def _require_open_cycle(cycle: Cycle) -> None:
    if cycle.closed_at:
        raise ValidationError(f"{cycle.name} is closed: its OKRs can no longer change.")


def _coach_gate(instance: Objective | KeyResult) -> None:
    """Error-level coach findings block saving (method.md §8), under the organization's
    settings: for the UI, the API and imports alike."""
    from cadence.coach.services import require_no_errors_for  # coach imports okrs: no cycle

    require_no_errors_for(instance)


# Cycles -----------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(*, actor: Person, name: str, kind: str, start: date, end: date) -> Cycle:
    _require_member(actor, actor.organization_id)
    if not actor.is_admin:
        raise PermissionDenied("Only organization admins create cycles.")
    cycle = Cycle(
        organization=actor.organization, name=(name or "").strip(), kind=kind, start=start, end=end
    )
    cycle.full_clean()
    if Cycle.objects.filter(organization=actor.organization, name__iexact=cycle.name).exists():
        raise ValidationError({"name": "A cycle with this name already exists."})
    cycle.save()
    return cycle


# Stored progress ---------------------------------------------------------------------------
#
# Objective.progress is the roll-up of method.md §2 (weighted mean of its key results and of its
# live aligned children), stored so that pages read one row instead of a whole tree. Every write
# that can change it calls _progress_refresh in its own transaction, so that a committed write
# never leaves a stale parent: the objective's row is recomputed first, then each ancestor, each
# under a row lock and from what is committed plus this transaction's own writes. Two concurrent
# check-ins under one parent both lock it in turn; whichever recomputes it last sees both.


def _chain(objective_id) -> list:
    """The objective's id and its ancestors' ids, lowest first (loops, never stored, are cut)."""
    chain: list = []
    node = objective_id
    while node is not None and node not in chain:
        chain.append(node)
        node = Objective.objects.filter(pk=node).values_list("parent_id", flat=True).first()
    return chain


def _computed_progress(objective_id) -> float | None:
    """One objective's roll-up from its key results and its children's stored progress."""
    krs = [
        (
            arithmetic.kr_progress(
                kind,
                start=start,
                target=target,
                current=current if current is not None else start,
                direction=direction or None,
            ),
            weight,
        )
        for kind, start, target, current, direction, weight in KeyResult.objects.filter(
            objective_id=objective_id
        ).values_list("kind", "start", "target", "current", "direction", "weight")
    ]
    children = (
        Objective.objects.filter(parent_id=objective_id)
        .exclude(state=Objective.State.ABANDONED)
        .exclude(pk=objective_id)
        .values_list("progress", flat=True)
    )
    return arithmetic.weighted_mean([*krs, *((p, 1.0) for p in children)])


def _progress_refresh(*objective_ids) -> None:
    """Recompute the stored progress of these objectives and of all their ancestors.

    Lowest first: an objective deeper in the tree is recomputed before any objective above it
    (rows are locked in that order, the same order in every transaction)."""
    starts = [i for i in objective_ids if i is not None]
    if len(starts) == 1:
        # One chain (a check-in, a key-result edit): walk up it, each row locked and read in one
        # query, recomputed, then its parent — already the lowest-first order.
        node, seen = starts[0], set()
        while node is not None and node not in seen:
            seen.add(node)
            row = (
                Objective.objects.select_for_update()
                .filter(pk=node)
                .values_list("progress", "parent_id")
                .first()
            )
            if row is None:
                return  # deleted meanwhile
            stored, parent_id = row
            value = _computed_progress(node)
            if value != stored:
                Objective.objects.filter(pk=node).update(progress=value)
            node = parent_id
        return
    depth: dict = {}
    for objective_id in starts:
        if objective_id is None:
            continue
        chain = _chain(objective_id)
        for index, node in enumerate(chain):
            depth[node] = max(depth.get(node, 0), len(chain) - index)
    for node in sorted(depth, key=lambda n: (-depth[n], str(n))):
        stored = (
            Objective.objects.select_for_update()
            .filter(pk=node)
            .values_list("progress", flat=True)
            .first()
        )
        if stored is None and not Objective.objects.filter(pk=node).exists():
            continue  # deleted meanwhile
        value = _computed_progress(node)
        if value != stored:
            Objective.objects.filter(pk=node).update(progress=value)


@transaction.atomic
def objective_progress_recompute(*, organization, cycle: Cycle | None = None) -> int:
    """Recompute stored progress from scratch (all of an organization's objectives, or those of a
    cycle and of the shorter cycles inside it, then their ancestors outside it). Returns how many
    objectives changed. For repairs, imports and bulk loads; services keep it correct otherwise."""
    objectives = Objective.objects.filter(organization=organization)
    if cycle is not None:
        objectives = objectives.filter(cycle__start__gte=cycle.start, cycle__end__lte=cycle.end)
    rows = list(objectives.values_list("id", "parent_id", "state", "progress"))
    nodes = {
        oid: arithmetic.Node(abandoned=state == Objective.State.ABANDONED)
        for oid, _parent, state, _progress in rows
    }
    for oid, parent_id, _state, _progress in rows:
        if parent_id in nodes:
            nodes[parent_id].children.append(oid)
    krs = KeyResult.objects.filter(
        organization=organization, objective_id__in=objectives.values("id")
    )
    for objective_id, kind, start, target, current, direction, weight in krs.values_list(
        "objective_id", "kind", "start", "target", "current", "direction", "weight"
    ):
        value_now = current if current is not None else start
        nodes[objective_id].krs.append(
            (
                arithmetic.kr_progress(
                    kind, start=start, target=target, current=value_now, direction=direction or None
                ),
                weight,
            )
        )
    rolled = arithmetic.roll_up(nodes)
    changed = [
        Objective(id=oid, progress=rolled[oid]) for oid, _p, _s, old in rows if rolled[oid] != old
    ]
    Objective.objects.bulk_update(changed, ["progress"], batch_size=1000)
    outside = {parent for _oid, parent, _s, _p in rows if parent and parent not in nodes}
    if outside:
        _progress_refresh(*outside)
    return len(changed)


# Objectives -------------------------------------------------------------------------------


def _validate_objective(objective: Objective) -> None:
    """Rules across fields and rows: organization, alignment, cycle kinds."""
    objective.full_clean(exclude=["organization", "cycle", "unit", "parent", "owner", "created_by"])
    errors: dict[str, str] = {}
    if len(objective.why) > MAX_TEXT:
        # TextField's max_length is not checked by full_clean.
        errors["why"] = f"Keep it under {MAX_TEXT} characters."
    org_id = objective.organization_id
    if objective.cycle.organization_id != org_id:
        errors["cycle"] = "Choose a cycle of this organization."
    if objective.unit.organization_id != org_id:
        errors["unit"] = "Choose a unit of this organization."
    if (
        objective.cycle.kind == Cycle.Kind.YEAR
        and objective.unit.kind != Unit.Kind.COMPANY
        and "unit" not in errors
    ):
        errors["cycle"] = "Annual objectives are set at company level only."
    if objective.owner is not None and objective.owner.organization_id != org_id:
        errors["owner"] = "Choose a person of this organization."
    parent = objective.parent
    if parent is not None:
        # Judge the parent as stored, not the caller's copy (it may since have been abandoned
        # or realigned).
        parent = Objective.objects.select_related("cycle").filter(pk=parent.pk).first()
        if parent is None:
            errors["parent"] = "That objective no longer exists."
        elif parent.organization_id != org_id:
            errors["parent"] = "Choose an objective of this organization."
        elif parent.pk == objective.pk:
            errors["parent"] = "An objective cannot align to itself."
        elif not parent.cycle.contains(objective.cycle):
            errors["parent"] = (
                f"The parent objective belongs to {parent.cycle.name}, which does not cover "
                f"{objective.cycle.name}."
            )
        elif parent.state == Objective.State.ABANDONED:
            errors["parent"] = "That objective was abandoned; align to a live one."
        elif objective.pk and _is_descendant(parent, objective):
            errors["parent"] = "That objective is aligned below this one: it would make a loop."
    if errors:
        raise ValidationError(errors)


def _is_descendant(candidate: Objective, ancestor: Objective) -> bool:
    """Whether ``ancestor`` is on ``candidate``'s chain of parents, as stored."""
    node_id = candidate.pk
    seen = set()
    while node_id is not None and node_id not in seen:
        if node_id == ancestor.pk:
            return True
        seen.add(node_id)
        node_id = Objective.objects.filter(pk=node_id).values_list("parent_id", flat=True).first()
    return False


@transaction.atomic
def objective_create(
    *,
    actor: Person,
    cycle: Cycle,
    unit: Unit,
    title: str,
    why: str = "",
    commitment: str = Objective.Commitment.COMMITTED,
    parent: Objective | None = None,
    owner: Person | None = None,
    state: str = Objective.State.DRAFT,
    standalone_reason: str = "",
) -> Objective:
    _require_unit_editor(actor, unit)
    _require_open_cycle(cycle)
    objective = Objective(
        organization=actor.organization,
        cycle=cycle,
        unit=unit,
        title=(title or "").strip(),
        why=(why or "").strip(),
        commitment=commitment,
        parent=parent,
        owner=owner,
        created_by=actor,
        state=state,
        standalone_reason=(standalone_reason or "").strip(),
    )
    if state not in (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED):
        raise ValidationError({"state": "A new objective starts as draft, proposed or approved."})
    _validate_objective(objective)
    if state == Objective.State.APPROVED and not _can_approve(Access(actor), objective):
        # A choice this person may not make: said at the field, like any other bad input.
        raise ValidationError({"state": APPROVAL_REFUSED})
    _coach_gate(objective)
    objective.position = Objective.objects.filter(cycle=cycle, unit=unit).count()
    objective.save()
    _progress_refresh(objective.pk)
    return objective


@transaction.atomic
def objective_update(*, actor: Person, objective: Objective, **changes) -> Objective:
    """Change any of title, why, commitment, parent, owner, unit."""
    unknown = set(changes) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    _require_unit_editor(actor, objective.unit)
    _require_open_cycle(objective.cycle)
    if "unit" in changes and changes["unit"] != objective.unit:
        _require_unit_editor(actor, changes["unit"])
    old_parent_id = objective.parent_id
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        setattr(objective, name, value)
    _validate_objective(objective)
    _coach_gate(objective)
    objective.save()
    if objective.parent_id != old_parent_id:
        _progress_refresh(old_parent_id, objective.pk)
    return objective


@transaction.atomic
def objective_set_state(
    *, actor: Person, objective: Objective, state: str, reason: str = ""
) -> Objective:
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    access = Access(actor)
    # Approving needs an approver (alignment.selectors.can_approve), who may also return a
    # proposed objective to draft without being one of the unit's editors.
    reviewing = objective.state in _IN_REVIEW and state in _REVIEW_OUTCOMES
    approver = reviewing and _can_approve(access, objective)
    if not approver:
        _require_unit_editor(actor, objective.unit, access)
    _require_open_cycle(objective.cycle)
    if state not in Objective.State.values:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    if state == objective.state:
        return objective
    if state not in TRANSITIONS[objective.state]:
        now = objective.get_state_display().lower()
        article = "An" if now[0] in "aeiou" else "A"
        raise ValidationError(
            {
                "state": f"{article} {now} objective cannot become "
                f"{Objective.State(state).label.lower()}."
            }
        )
    if state == Objective.State.APPROVED and objective.state in _IN_REVIEW and not approver:
        raise PermissionDenied(APPROVAL_REFUSED)
    reason = (reason or "").strip()
    if state == Objective.State.ABANDONED:
        if not reason:
            raise ValidationError({"reason": "Say why the objective is abandoned."})
        if len(reason) > MAX_TEXT:
            raise ValidationError({"reason": f"Keep the reason under {MAX_TEXT} characters."})
        objective.abandon_reason = reason
    elif objective.state == Objective.State.ABANDONED:
        objective.abandon_reason = ""
    was_abandoned = objective.state == Objective.State.ABANDONED
    objective.state = state
    objective.save(update_fields=["state", "abandon_reason", "updated_at"])
    if was_abandoned or state == Objective.State.ABANDONED:
        # An abandoned objective leaves its parent's mean (and comes back when revived).
        _progress_refresh(objective.parent_id)
    return objective


@transaction.atomic
def objective_delete(*, actor: Person, objective: Objective) -> None:
    """Delete an objective with its key results and check-ins. Objectives aligned to it stay,
    unaligned. (Abandoning keeps the history and is usually the better choice.)"""
    # Key results first, then the objective: the order a check-in takes them in.
    list(
        KeyResult.objects.select_for_update()
        .filter(objective_id=objective.pk)
        .values_list("pk", flat=True)
    )
    objective = Objective.objects.select_for_update().get(pk=objective.pk)
    _require_unit_editor(actor, objective.unit)
    _require_open_cycle(objective.cycle)
    parent_id = objective.parent_id
    objective.delete()
    _progress_refresh(parent_id)


# Key results ------------------------------------------------------------------------------


def _validate_key_result(kr: KeyResult) -> None:
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
) -> KeyResult:
    # The stored objective, not the caller's copy (it may since have been abandoned or closed).
    objective = Objective.objects.select_related("unit", "cycle").get(pk=objective.pk)
    _require_unit_editor(actor, objective.unit)
    _require_open_cycle(objective.cycle)
    if objective.state in (Objective.State.ABANDONED, Objective.State.CLOSED):
        raise ValidationError("This objective is no longer open for new key results.")
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
    )
    _validate_key_result(kr)
    _coach_gate(kr)
    kr.position = KeyResult.objects.filter(objective=objective).count()
    kr.save()
    _progress_refresh(objective.pk)
    return kr


@transaction.atomic
def key_result_update(*, actor: Person, key_result: KeyResult, **changes) -> KeyResult:
    unknown = set(changes) - set(KR_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__unit", "objective__cycle")
        .get(pk=key_result.pk)
    )
    _require_unit_editor(actor, kr.objective.unit)
    _require_open_cycle(kr.objective.cycle)
    old_start, old_target = kr.start, kr.target
    for name, value in changes.items():
        if isinstance(value, str):
            value = value.strip()
        if name == "weight" and value is None:
            value = 1.0
        setattr(kr, name, value)
    _validate_key_result(kr)
    _coach_gate(kr)
    kr.save()
    _progress_refresh(kr.objective_id)
    if (kr.start, kr.target) != (old_start, old_target) and kr.objective.state in (
        Objective.State.APPROVED,
        Objective.State.CLOSED,
    ):
        # Once an objective is approved its targets are a commitment: every change is kept in
        # the target history, with or without a reason (reviews ask for one).
        from cadence.reviews.models import TargetChange  # reviews builds on okrs

        TargetChange.objects.create(
            organization_id=kr.organization_id,
            key_result=kr,
            old_start=old_start,
            old_target=old_target,
            new_start=kr.start,
            new_target=kr.target,
            reason="",
            actor=actor,
        )
    return kr


@transaction.atomic
def key_result_delete(*, actor: Person, key_result: KeyResult) -> None:
    kr = KeyResult.objects.select_related("objective__unit", "objective__cycle").get(
        pk=key_result.pk
    )
    _require_unit_editor(actor, kr.objective.unit)
    _require_open_cycle(kr.objective.cycle)
    objective_id = kr.objective_id
    kr.delete()
    _progress_refresh(objective_id)


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
) -> CheckIn:
    """Append a check-in and make it the key result's current value.

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
    if kr.owner_id != actor.id:
        _require_unit_editor(actor, objective.unit)
    else:
        _require_member(actor, kr.organization_id)
        if actor.is_viewer:
            raise PermissionDenied("Viewers cannot check in.")
    _require_open_cycle(objective.cycle)
    if objective.state in (Objective.State.ABANDONED, Objective.State.CLOSED):
        raise ValidationError(
            f"This objective is {objective.get_state_display().lower()}: it takes no check-ins."
        )
    if kr.kind == KeyResult.Kind.MILESTONE and value not in (0, 1):
        raise ValidationError({"value": "A milestone takes 1 (done) or 0 (not done)."})
    check_in = CheckIn(
        organization_id=kr.organization_id,
        key_result=kr,
        author=actor,
        value=value,
        confidence=confidence,
        note=(note or "").strip(),
        at=at or timezone.now(),
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
            raise ValidationError(
                {
                    "value": "This first measurement already equals the target: set a start value "
                    "or a more ambitious target first."
                }
            )
        fields += ["start", "start_from_first_check_in"]
    if fields:
        kr.save(update_fields=[*fields, "updated_at"])
        _progress_refresh(objective.pk)
    return check_in
