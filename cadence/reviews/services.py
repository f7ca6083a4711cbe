"""Reviews: services. Four sections, each owned by one person while this app is being built."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs.models import Organization, Person, Unit
from cadence.orgs.selectors import Access, company_unit
from cadence.reviews import questions, scoring
from cadence.reviews import selectors as retro_selectors
from cadence.reviews.models import Learning, ObjectiveReviewNote, Review, ScoreChange, TargetChange

# --- Scoring, closing, results and charts -----------------------------------------------------

# Objectives in these states are scored when the cycle closes; drafts and proposals never became
# commitments and abandoned objectives are not scored (docs/decisions.md).
SCORED_STATES = (Objective.State.APPROVED, Objective.State.CLOSED)
MAX_SCORE_REASON = 2000


def _require_admin(actor: Person, organization_id, message: str) -> None:
    okr_services._require_member(actor, organization_id)
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
        raise ValidationError(f"{locked.name} is already closed.")
    list(
        KeyResult.objects.select_for_update(of=("self",))
        .filter(organization_id=locked.organization_id, objective__cycle=locked)
        .values_list("pk", flat=True)
    )
    now = now or timezone.now()
    board = board_for_cycle(locked.organization, locked)
    scored = [o for o in board.in_cycle() if o.state in SCORED_STATES]
    adjusted_objectives = set(
        ScoreChange.objects.filter(objective__in=[o.pk for o in scored]).values_list(
            "objective_id", flat=True
        )
    )
    krs = [kr for o in scored for kr in o.krs]
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
    cycle.closed_at = locked.closed_at
    return locked


def _check_adjustment(actor: Person, objective: Objective, score, reason: str) -> tuple[float, str]:
    okr_services._require_member(actor, objective.organization_id)
    if not Access(actor).can_lead_unit(objective.unit):
        raise PermissionDenied(
            f"Only leads of {objective.unit.name} (or above it) and admins adjust its scores."
        )
    cycle = objective.cycle
    if not cycle.closed_at and cycle.phase_on(timezone.localdate()) != Cycle.Phase.REVIEW:
        raise ValidationError(
            f"Scores are adjusted at the review: {cycle.name} is not in its review phase yet."
        )
    if objective.state not in SCORED_STATES:
        state = objective.get_state_display().lower()
        raise ValidationError(f"This objective is {state}: it is not scored.")
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
        raise ValidationError({"score": f"The score is already {score:.1f}."})
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
        annotated, _ = objective_with_progress(locked.organization, locked)
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
    organization.grading_scheme = scheme
    organization.save(update_fields=["grading_scheme", "updated_at"])
    actor.organization.grading_scheme = scheme
    return organization


# --- Phases, what is due, monthly and mid-cycle reviews, target changes ------------------------

PERIODIC_QUESTIONS = {
    Review.Kind.MONTHLY: questions.MONTHLY_IDS,
    Review.Kind.MID_CYCLE: questions.MID_CYCLE_IDS,
}
MAX_REASON = 2000


def cycle_months(cycle: Cycle) -> list[date]:
    """The first day of every month the cycle touches, in order (one monthly review each)."""
    months = []
    month = cycle.start.replace(day=1)
    while month <= cycle.end:
        months.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return months


def _clean_text(value, *, field: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ValidationError({field: "Enter text."})
    value = value.strip()
    if "\x00" in value:
        raise ValidationError({field: "Text cannot contain NUL characters."})
    if len(value) > limit:
        raise ValidationError({field: f"Keep it to {limit} characters or fewer."})
    return value


@transaction.atomic
def review_save(
    *,
    actor: Person,
    cycle: Cycle,
    unit: Unit,
    kind: str,
    period: date | None = None,
    answers: dict,
    notes: str,
) -> Review:
    """Create or update a unit's monthly (``period`` = any day of the month) or mid-cycle review.

    The unit's leads (and leads above it) and admins write it; everyone else reads. Answers are
    keyed by the kind's question ids (an unknown id is refused); empty answers are dropped.
    Review notes stay editable after the cycle is closed (method.md §1)."""
    okr_services._require_member(actor, cycle.organization_id)
    if unit.organization_id != cycle.organization_id:
        raise ValidationError({"unit": "Choose a unit of this organization."})
    if not Access(actor).can_lead_unit(unit):
        raise PermissionDenied(f"Only leads of {unit.name} and admins may write its reviews.")
    if kind not in PERIODIC_QUESTIONS:
        raise ValidationError({"kind": "Choose a monthly or a mid-cycle review."})
    if kind == Review.Kind.MONTHLY:
        if period is None:
            raise ValidationError({"period": "Say which month this review is about."})
        period = period.replace(day=1)
        if period not in cycle_months(cycle):
            raise ValidationError({"period": f"That month is not part of {cycle.name}."})
    elif period is not None:
        raise ValidationError({"period": "A mid-cycle review is not about one month."})
    if not isinstance(answers, dict):
        raise ValidationError({"answers": "Send the answers as question id → text."})
    allowed = PERIODIC_QUESTIONS[kind]
    unknown = sorted(str(q) for q in answers if q not in allowed)
    if unknown:
        raise ValidationError({"answers": f"Unknown question: {', '.join(unknown)}."})
    cleaned = {}
    for question_id, text in answers.items():
        text = _clean_text(text, field=question_id, limit=questions.MAX_ANSWER)
        if text:
            cleaned[question_id] = text
    notes = _clean_text(notes or "", field="notes", limit=questions.MAX_NOTES)
    review = (
        Review.objects.select_for_update()
        .filter(cycle=cycle, unit=unit, kind=kind, period=period)
        .first()
    )
    if review is None:
        review = Review(
            organization_id=cycle.organization_id,
            cycle=cycle,
            unit=unit,
            kind=kind,
            period=period,
            created_by=actor,
        )
    review.answers = cleaned
    review.notes = notes
    review.updated_by = actor
    review.save()
    return review


@transaction.atomic
def key_result_change_target(
    *,
    actor: Person,
    key_result: KeyResult,
    target: float,
    start: float | None = None,
    reason: str,
    review: Review | None = None,
) -> TargetChange:
    """Change a key result's target (and, optionally, its start) at a review, with a reason.

    The key result is validated as any edit is (a metric's start must differ from its target);
    the old and new values are kept in an append-only TargetChange. Refused in a closed cycle and
    on an abandoned or closed objective. ``start=None`` keeps the start value."""
    kr = (
        KeyResult.objects.select_for_update(of=("self",))
        .select_related("objective__unit", "objective__cycle")
        .get(pk=key_result.pk)
    )
    objective = kr.objective
    okr_services._require_unit_editor(actor, objective.unit)
    okr_services._require_open_cycle(objective.cycle)
    if objective.state in (Objective.State.ABANDONED, Objective.State.CLOSED):
        state = objective.get_state_display().lower()
        raise ValidationError(f"This objective is {state}: its targets no longer change.")
    if kr.kind == KeyResult.Kind.MILESTONE:
        raise ValidationError({"target": "A milestone is done or not: it has no target to change."})
    if start is not None and kr.kind != KeyResult.Kind.METRIC:
        raise ValidationError({"start": "Only a metric key result has a start value."})
    reason = _clean_text(reason or "", field="reason", limit=MAX_REASON)
    if not reason:
        raise ValidationError({"reason": "Say why the target changes: the review keeps it."})
    if review is not None and (
        review.organization_id != kr.organization_id or review.cycle_id != objective.cycle_id
    ):
        raise ValidationError({"review": "Choose a review of this key result's cycle."})
    old_start, old_target = kr.start, kr.target
    new_start = old_start if start is None else start
    if (new_start, target) == (old_start, old_target):
        raise ValidationError({"target": "That is already the target."})
    kr.start, kr.target = new_start, target
    okr_services._validate_key_result(kr)
    kr.save(update_fields=["start", "target", "updated_at"])
    okr_services._progress_refresh(kr.objective_id)
    return TargetChange.objects.create(
        organization_id=kr.organization_id,
        key_result=kr,
        review=review,
        old_start=old_start,
        old_target=old_target,
        new_start=kr.start,
        new_target=kr.target,
        reason=reason,
        actor=actor,
    )


# --- Retrospectives, department and company reviews, exports, learnings -----------------------


def _retro_clean_text(value, *, field: str, limit: int, errors: dict) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        errors[field] = f"Keep this to {limit:,} characters or fewer."
    return text


def _retro_clean_answers(answers, allowed: frozenset[str], errors: dict) -> dict[str, str]:
    answers = answers or {}
    unknown = sorted(set(answers) - allowed)
    if unknown:
        errors["answers"] = f"Unknown question: {', '.join(unknown)}."
        return {}
    out = {}
    for key, value in answers.items():
        text = (value or "").strip()
        if len(text) > 4000:
            errors["answers"] = "Keep each answer to 4,000 characters or fewer."
        elif text:
            out[key] = text
    return out


def _retro_clean_list(items, *, field: str, most: int, noun: str, errors: dict) -> list[str]:
    texts = [(t or "").strip() for t in (items or [])]
    texts = [t for t in texts if t]
    if len(texts) > most:
        errors[field] = f"Keep to {most} {noun}s at most (you have {len(texts)})."
    elif any(len(t) > 1000 for t in texts):
        errors[field] = f"Keep each {noun} to 1,000 characters or fewer."
    return texts


def _retro_same_org(actor: Person, *objects) -> None:
    if any(o.organization_id != actor.organization_id for o in objects):
        raise PermissionDenied("That belongs to another organization.")


def _retro_review_for_update(cycle: Cycle, unit: Unit, kind: str) -> Review:
    review = (
        Review.objects.select_for_update()
        .filter(cycle=cycle, unit=unit, kind=kind, period__isnull=True)
        .first()
    )
    if review is None:
        review = Review(organization_id=cycle.organization_id, cycle=cycle, unit=unit, kind=kind)
    return review


def _retro_replace_learnings(review: Review, kind: str, texts: list[str]) -> None:
    review.learnings.filter(kind=kind).delete()
    Learning.objects.bulk_create(
        Learning(
            organization_id=review.organization_id,
            review=review,
            cycle_id=review.cycle_id,
            unit_id=review.unit_id,
            kind=kind,
            text=text,
            position=i,
        )
        for i, text in enumerate(texts)
    )


def _retro_check_team(unit: Unit) -> None:
    if unit.kind != Unit.Kind.TEAM:
        raise ValidationError({"unit": "Retrospectives are written by teams."})


@transaction.atomic
def retrospective_save(
    *,
    actor: Person,
    cycle: Cycle,
    unit: Unit,
    answers: dict[str, str],
    overview: str,
    satisfaction: str,
    worked: str,
    failed: str,
    learnings: list[str],
    explanations: dict,
) -> Review:
    """Save a team's retrospective as it stands (a draft is always allowed). Members of the team,
    its leads and admins write it; it stays editable after the cycle closes."""
    _retro_same_org(actor, cycle, unit)
    if not Access(actor).can_edit_unit(unit):
        raise PermissionDenied(
            f"Only members of {unit.name}, its leads and admins write its retrospective."
        )
    _retro_check_team(unit)
    errors: dict[str, str] = {}
    clean_answers = _retro_clean_answers(answers, questions.RETROSPECTIVE_IDS, errors)
    overview = _retro_clean_text(overview, field="overview", limit=4000, errors=errors)
    worked = _retro_clean_text(worked, field="worked", limit=4000, errors=errors)
    failed = _retro_clean_text(failed, field="failed", limit=4000, errors=errors)
    if satisfaction and satisfaction not in Review.Satisfaction.values:
        errors["satisfaction"] = "Choose satisfied, partly satisfied or not satisfied."
    texts = _retro_clean_list(
        learnings,
        field="learnings",
        most=questions.MAX_LEARNINGS,
        noun="learning",
        errors=errors,
    )
    objectives = {o.id: o for o in retro_selectors.retrospective_objectives(cycle, unit)}
    notes: dict = {}
    for key, text in (explanations or {}).items():
        objective = next((o for o in objectives.values() if str(o.id) == str(key)), None)
        if objective is None:
            errors["explanations"] = f"{unit.name} has no such objective in {cycle.name}."
            continue
        text = (text or "").strip()
        if len(text) > 4000:
            errors["explanations"] = "Keep each explanation to 4,000 characters or fewer."
        notes[objective.id] = text
    if errors:
        raise ValidationError(errors)

    review = _retro_review_for_update(cycle, unit, Review.Kind.RETROSPECTIVE)
    if review.pk is None:
        review.created_by = actor
    review.answers = clean_answers
    review.overview, review.satisfaction = overview, satisfaction or ""
    review.worked, review.failed = worked, failed
    review.updated_by = actor
    review.save()
    _retro_replace_learnings(review, Learning.Kind.LEARNING, texts)
    for objective_id, text in notes.items():
        if text:
            ObjectiveReviewNote.objects.update_or_create(
                review=review,
                objective_id=objective_id,
                defaults={"organization_id": review.organization_id, "text": text},
            )
        else:
            ObjectiveReviewNote.objects.filter(review=review, objective_id=objective_id).delete()
    still_missing = retro_selectors.retrospective_missing(review, list(objectives.values()))
    if review.completed_at and still_missing:
        review.completed_at = None  # no longer complete: back to draft
        review.save(update_fields=["completed_at", "updated_at"])
    return review


@transaction.atomic
def retrospective_complete(*, actor: Person, cycle: Cycle, unit: Unit) -> Review:
    """Mark a team's retrospective complete, once it has its overview, satisfaction, 3–6
    learnings and an explanation for every committed objective scored below 1.0."""
    _retro_same_org(actor, cycle, unit)
    if not Access(actor).can_edit_unit(unit):
        raise PermissionDenied(
            f"Only members of {unit.name}, its leads and admins complete its retrospective."
        )
    _retro_check_team(unit)
    review = _retro_review_for_update(cycle, unit, Review.Kind.RETROSPECTIVE)
    missing = retro_selectors.retrospective_missing(
        review if review.pk else None, retro_selectors.retrospective_objectives(cycle, unit)
    )
    if missing:
        raise ValidationError(missing)
    if review.completed_at is None:
        review.completed_at = timezone.now()
        review.updated_by = actor
        review.save(update_fields=["completed_at", "updated_by", "updated_at"])
    return review


@transaction.atomic
def department_review_save(
    *,
    actor: Person,
    cycle: Cycle,
    unit: Unit,
    answers: dict[str, str],
    notes: str,
    takeaways: list[str],
) -> Review:
    """A department's summary of its teams: notes and up to 10 takeaways. Its leads (and leads
    above it) and admins write it."""
    _retro_same_org(actor, cycle, unit)
    if not Access(actor).can_lead_unit(unit):
        raise PermissionDenied(f"Only leads of {unit.name} and admins write its summary.")
    if unit.kind != Unit.Kind.DEPARTMENT:
        raise ValidationError({"unit": "Department summaries are written by departments."})
    errors: dict[str, str] = {}
    clean_answers = _retro_clean_answers(answers, questions.DEPARTMENT_IDS, errors)
    notes = _retro_clean_text(notes, field="notes", limit=10000, errors=errors)
    texts = _retro_clean_list(
        takeaways, field="takeaways", most=questions.MAX_TAKEAWAYS, noun="takeaway", errors=errors
    )
    if errors:
        raise ValidationError(errors)
    review = _retro_review_for_update(cycle, unit, Review.Kind.DEPARTMENT)
    if review.pk is None:
        review.created_by = actor
    review.answers, review.notes, review.updated_by = clean_answers, notes, actor
    review.save()
    _retro_replace_learnings(review, Learning.Kind.TAKEAWAY, texts)
    return review


@transaction.atomic
def company_review_save(
    *,
    actor: Person,
    cycle: Cycle,
    answers: dict[str, str],
    notes: str,
    summary: str,
    ideas: list[str],
) -> Review:
    """The company-wide review's discussion notes, closing summary and ideas for next cycle's
    company objectives. Admins write it."""
    _retro_same_org(actor, cycle)
    if not actor.is_admin:
        raise PermissionDenied("Only admins write the company-wide review.")
    errors: dict[str, str] = {}
    clean_answers = _retro_clean_answers(answers, questions.COMPANY_IDS, errors)
    notes = _retro_clean_text(notes, field="notes", limit=10000, errors=errors)
    summary = _retro_clean_text(summary, field="summary", limit=4000, errors=errors)
    texts = _retro_clean_list(
        ideas, field="ideas", most=questions.MAX_IDEAS, noun="idea", errors=errors
    )
    if errors:
        raise ValidationError(errors)
    company = company_unit(cycle.organization)
    review = _retro_review_for_update(cycle, company, Review.Kind.COMPANY)
    if review.pk is None:
        review.created_by = actor
    review.answers, review.notes, review.overview = clean_answers, notes, summary
    review.updated_by = actor
    review.save()
    _retro_replace_learnings(review, Learning.Kind.IDEA, texts)
    return review


# --- Next cycle: carry forward ------------------------------------------------------------------


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
    okr_services._require_member(actor, objective.organization_id)
    # Lock the source: two people carrying it at once must not create two successors.
    source = (
        Objective.objects.select_for_update(of=("self",))
        .select_related("cycle", "unit", "owner", "parent__cycle")
        .get(pk=objective.pk)
    )
    unit = unit or source.unit
    if cycle.organization_id != source.organization_id:
        raise ValidationError({"cycle": "Choose a cycle of this organization."})
    if unit.organization_id != source.organization_id:
        raise ValidationError({"unit": "Choose a unit of this organization."})
    okr_services._require_unit_editor(actor, unit)
    if cycle.start <= source.cycle.end:
        raise ValidationError(
            {"cycle": f"Carry it into a cycle that starts after {source.cycle.name} ends."}
        )
    if cycle.closed_at:
        raise ValidationError({"cycle": f"{cycle.name} is closed: it takes no new objectives."})
    successor = Objective.objects.filter(carried_from=source, cycle=cycle).first()
    if successor is not None:
        raise ValidationError(
            {"cycle": f"This objective was already carried forward into {cycle.name}."}
        )
    parent = source.parent
    if parent is not None and (
        parent.is_abandoned or not parent.cycle.contains(cycle) or parent.pk == source.pk
    ):
        parent = None
    owner = source.owner if source.owner is not None and source.owner.is_active else None
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
