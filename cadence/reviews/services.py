"""Reviews: monthly and mid-cycle reviews, and a key result's target changed at a review."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.core.errors import Conflict
from cadence.core.limits import MAX_NOTES, MAX_TEXT
from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, KeyResult, Objective, TargetChange
from cadence.okrs.services import trail
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access
from cadence.reviews import questions
from cadence.reviews.models import Review

PERIODIC_QUESTIONS = {
    Review.Kind.MONTHLY: questions.MONTHLY_IDS,
    Review.Kind.MID_CYCLE: questions.MID_CYCLE_IDS,
}
MAX_REASON = MAX_TEXT


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
    Review notes stay editable after the cycle is closed (docs/method.md §1)."""
    okr_services.require_member(actor, cycle.organization_id)
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
    notes = _clean_text(notes or "", field="notes", limit=MAX_NOTES)
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
    okr_services.require_objective_editor(actor, objective)
    okr_services.require_open_cycle(objective.cycle)
    if objective.state in (Objective.State.ABANDONED, Objective.State.CLOSED):
        state = objective.get_state_display().lower()
        raise Conflict(f"This objective is {state}: its targets no longer change.")
    if kr.kind == KeyResult.Kind.MILESTONE:
        raise Conflict({"target": "A milestone is done or not: it has no target to change."})
    if start is not None and kr.kind != KeyResult.Kind.METRIC:
        raise Conflict({"start": "Only a metric key result has a start value."})
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
        raise Conflict({"target": "That is already the target."})
    kr.start, kr.target = new_start, target
    okr_services.validate_key_result(kr)
    kr.save(update_fields=["start", "target", "updated_at"])
    okr_services.progress_refresh(kr.objective_id)
    trail.record_target_change(
        actor=actor, key_result=kr, old_start=old_start, old_target=old_target, reason=reason
    )
    return okr_services.target_change_record(
        actor=actor,
        key_result=kr,
        old_start=old_start,
        old_target=old_target,
        reason=reason,
        review=review,
    )
