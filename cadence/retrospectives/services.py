"""Retrospectives: save and complete a team's retrospective, a department's summary and the
company-wide review, with their learnings, takeaways and ideas."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.core.errors import Conflict
from cadence.okrs.models import Cycle
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access, company_unit
from cadence.retrospectives import selectors as retro_selectors
from cadence.retrospectives.models import Learning, ObjectiveReviewNote
from cadence.reviews import questions
from cadence.reviews.models import Review


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


def can_write_retrospective(person: Person, unit: Unit, access: Access | None = None) -> bool:
    """Members of the team, its leads and admins write (and complete) its retrospective
    (``access``: the person's, when the caller has it)."""
    return (access or Access(person)).can_edit_unit(unit)


def require_retrospective_writer(person: Person, unit: Unit, verb: str = "write") -> None:
    if not can_write_retrospective(person, unit):
        raise PermissionDenied(
            f"Only members of {unit.name}, its leads and admins {verb} its retrospective."
        )


def can_write_department_review(person: Person, unit: Unit, access: Access | None = None) -> bool:
    """The department's leads (and leads above it) and admins write its summary (``access``:
    the person's, when the caller has it)."""
    return (access or Access(person)).can_lead_unit(unit)


def require_department_review_writer(person: Person, unit: Unit) -> None:
    if not can_write_department_review(person, unit):
        raise PermissionDenied(f"Only leads of {unit.name} and admins write its summary.")


def can_write_company_review(person: Person) -> bool:
    """Admins write the company-wide review."""
    return person.is_admin


def require_company_review_writer(person: Person) -> None:
    if not can_write_company_review(person):
        raise PermissionDenied("Only admins write the company-wide review.")


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
    require_retrospective_writer(actor, unit)
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
    # The team's whole record (its members see every objective of theirs).
    whole = Sight.whole(cycle.organization_id)
    objectives = {
        o.id: o for o in retro_selectors.retrospective_objectives(cycle, unit, viewer=whole)
    }
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
    require_retrospective_writer(actor, unit, "complete")
    _retro_check_team(unit)
    review = _retro_review_for_update(cycle, unit, Review.Kind.RETROSPECTIVE)
    missing = retro_selectors.retrospective_missing(
        review if review.pk else None,
        retro_selectors.retrospective_objectives(
            cycle, unit, viewer=Sight.whole(cycle.organization_id)
        ),
    )
    if missing:
        # Nothing wrong with the request: the retrospective still lacks these.
        raise Conflict(missing)
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
    require_department_review_writer(actor, unit)
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
    require_company_review_writer(actor)
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
