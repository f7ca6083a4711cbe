"""Scoring: closing a cycle (every objective and key result scored), hand adjustments of a score
with their reason, and the organization's grading scheme."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_TEXT
from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.okrs.services import trail
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Organization, Person
from cadence.orgs.selectors import Access
from cadence.scoring import hooks
from cadence.scoring import rules as scoring
from cadence.scoring.models import ScoreChange
from cadence.scoring.selectors import SCORED_STATES

# Objectives in these states are scored when the cycle closes; drafts and proposals never became
# commitments and abandoned objectives are not scored (docs/decisions.md).
MAX_SCORE_REASON = MAX_TEXT


def _require_admin(actor: Person, organization_id, message: str) -> None:
    okr_services.require_member(actor, organization_id)
    if not actor.is_admin:
        raise PermissionDenied(message)


@transaction.atomic
def cycle_close(*, actor: Person, cycle: Cycle, now: datetime | None = None) -> Cycle:
    """Close a cycle: score every key result and objective from its progress at this moment and
    make the cycle read-only (okrs.services refuse edits and check-ins from now on).

    - the cycle row is locked first, then its key results (a check-in waits for the close, then
      finds the cycle closed);
    - objectives approved or already closed are scored: ``computed_score`` = their rolled-up
      progress rounded half up to one decimal (as ``board_for_cycle`` rolls it up); ``score``
      the same, unless it was adjusted by hand before (a ScoreChange exists), which is kept;
      approved ones become closed. Their key results are scored the same way;
    - drafts, proposals and abandoned objectives are left as they are, unscored;
    - an objective with nothing to measure keeps a null score.
    A fixed number of queries, however many objectives."""
    from cadence.okrs.selectors import board_for_cycle

    _require_admin(actor, cycle.organization_id, "Only organization admins close a cycle.")
    locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if locked.closed_at:
        raise Conflict(f"{locked.name} is already closed.")
    list(
        KeyResult.objects.select_for_update(of=("self",))
        .filter(organization_id=locked.organization_id, objective__cycle=locked)
        .values_list("pk", flat=True)
    )
    now = now or timezone.now()
    # Closing scores every objective of the cycle, whoever closes it.
    board = board_for_cycle(locked.organization, locked, viewer=Sight.whole(locked.organization_id))
    scored = [o.model for o in board.in_cycle() if o.state in SCORED_STATES]
    adjusted_objectives = set(
        ScoreChange.objects.filter(objective__in=[o.pk for o in scored]).values_list(
            "objective_id", flat=True
        )
    )
    krs = [kr.model for o in board.in_cycle() if o.state in SCORED_STATES for kr in o.krs]
    adjusted_krs = set(
        ScoreChange.objects.filter(key_result__in=[kr.pk for kr in krs]).values_list(
            "key_result_id", flat=True
        )
    )
    for o in scored:
        o.computed_score = scoring.score_from_progress(o.progress)
        if o.pk not in adjusted_objectives:
            o.score = o.computed_score
        o.scored_at = now
        o.state = Objective.State.CLOSED
        o.updated_at = now
    for kr in krs:
        kr.computed_score = scoring.score_from_progress(kr.progress)
        if kr.pk not in adjusted_krs:
            kr.score = kr.computed_score
        kr.updated_at = now
    Objective.objects.bulk_update(
        scored, ["computed_score", "score", "scored_at", "state", "updated_at"], batch_size=500
    )
    KeyResult.objects.bulk_update(krs, ["computed_score", "score", "updated_at"], batch_size=500)
    locked.closed_at = now
    locked.save(update_fields=["closed_at", "updated_at"])
    trail.record(
        actor=actor,
        kind="cycle.closed",
        target=locked,
        changes={"objectives_closed": len(scored)},
    )
    hooks.cycle_closed(actor=actor, cycle=locked, objectives_closed=len(scored))
    cycle.closed_at = locked.closed_at
    return locked


def scores_adjustable(cycle: Cycle, today: date) -> bool:
    """Scores are adjusted at the review: in the review phase, or once the cycle is closed."""
    return bool(cycle.closed_at) or cycle.phase_on(today) == Cycle.Phase.REVIEW


def can_adjust_scores(person: Person, objective: Objective, access: Access | None = None) -> bool:
    """Leads of the objective's unit (or above it) and admins adjust its scores and those of its
    key results (when the cycle and the objective's state allow it: ``scores_adjustable``).
    A personal objective is never scored."""
    if objective.unit is None:
        return False
    return (access or Access(person)).can_lead_unit(objective.unit)


def _check_adjustment(actor: Person, objective: Objective, score, reason: str) -> tuple[float, str]:
    okr_services.require_member(actor, objective.organization_id)
    if objective.owner_person_id is not None:
        raise Conflict("A personal objective is never scored.")
    if not can_adjust_scores(actor, objective):
        raise PermissionDenied(
            f"Only leads of {objective.unit.name} (or above it) and admins adjust its scores."
        )
    cycle = objective.cycle
    if not scores_adjustable(cycle, timezone.localdate()):
        raise Conflict(
            f"Scores are adjusted at the review: {cycle.name} is not in its review phase yet."
        )
    if objective.state not in SCORED_STATES:
        state = objective.get_state_display().lower()
        raise Conflict(f"This objective is {state}: it is not scored.")
    if score is None or isinstance(score, bool):
        raise ValidationError({"score": "Enter a score from 0.0 to 1.0, such as 0.7."})
    try:
        score = scoring.normalise_score(score)
    except ValueError as exc:
        raise ValidationError({"score": str(exc)}) from exc
    reason = (reason or "").strip() if isinstance(reason, str | None) else None
    if reason is None or "\x00" in reason:
        raise ValidationError({"reason": "Enter the reason as text."})
    if not reason:
        raise ValidationError({"reason": "Say why the score differs from the computed one."})
    if len(reason) > MAX_SCORE_REASON:
        raise ValidationError({"reason": f"Keep it to {MAX_SCORE_REASON} characters or fewer."})
    return score, reason


def _record_adjustment(target, field: str, computed, score: float, reason: str, actor):
    """Store a locked objective's or key result's new score beside the old and computed ones."""
    old = target.score if target.score is not None else computed
    if old is not None and scoring.score_from_progress(old) == score:
        raise Conflict({"score": f"The score is already {score:.1f}."})
    change = ScoreChange.objects.create(
        organization_id=target.organization_id,
        computed_score=computed,
        old_score=old,
        new_score=score,
        reason=reason,
        actor=actor,
        **{field: target},
    )
    target.score = score
    target.save(update_fields=["score", "updated_at"])
    return change


@transaction.atomic
def objective_score_adjust(
    *, actor: Person, objective: Objective, score: float, reason: str
) -> ScoreChange:
    """Adjust an objective's score by hand at the review, with a reason kept in history beside
    the computed score. Leads of the objective's unit (or above) and admins; during the review
    phase or once the cycle is closed (adjustments are review records, so a closed cycle takes
    them). A score with more than one decimal is rounded half up (0.65 → 0.7). Before the close,
    the computed score recorded is the live preview from progress."""
    from cadence.okrs.selectors import objective_with_progress

    locked = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit")
        .get(pk=objective.pk)
    )
    score, reason = _check_adjustment(actor, locked, score, reason)
    if locked.cycle.closed_at:
        computed = locked.computed_score
    else:
        annotated, _ = objective_with_progress(
            locked.organization, locked, viewer=Sight.whole(locked.organization_id)
        )
        computed = scoring.score_from_progress(annotated.progress)
    change = _record_adjustment(locked, "objective", computed, score, reason, actor)
    objective.score = score
    return change


@transaction.atomic
def key_result_score_adjust(
    *, actor: Person, key_result: KeyResult, score: float, reason: str
) -> ScoreChange:
    """Adjust a key result's score by hand, as ``objective_score_adjust`` does for objectives.
    The objective's own score is not recomputed from it: it is scored from progress and adjusted
    on its own (docs/decisions.md)."""
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__cycle", "objective__unit")
        .get(pk=key_result.pk)
    )
    score, reason = _check_adjustment(actor, kr.objective, score, reason)
    computed = (
        kr.computed_score
        if kr.objective.cycle.closed_at
        else scoring.score_from_progress(kr.progress)
    )
    change = _record_adjustment(kr, "key_result", computed, score, reason, actor)
    key_result.score = score
    return change


@transaction.atomic
def organization_grading_scheme_set(*, actor: Person, scheme: str) -> Organization:
    """How the organization shows scores: 0.0–1.0 with bands, percent, or a traffic light.
    Admins only; the scores themselves do not change."""
    _require_admin(
        actor, actor.organization_id, "Only organization admins choose the grading scheme."
    )
    if scheme not in Organization.GradingScheme.values:
        raise ValidationError({"scheme": "Choose bands, percent or traffic light."})
    organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
    before = organization.grading_scheme
    organization.grading_scheme = scheme
    organization.save(update_fields=["grading_scheme", "updated_at"])
    if before != scheme:
        audit_record(
            organization=organization,
            kind="organization.grading_scheme_changed",
            actor=actor,
            target=organization,
            changes={"grading_scheme": [before, scheme]},
        )
    actor.organization.grading_scheme = scheme
    return organization
