"""Ideas rounds: open a round, answer its prompts, upvote and comment on ideas, and promote the
strongest into draft objectives (or decline them, saying why). Every change is audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.core.errors import Conflict
from cadence.feed import notices
from cadence.feed.notify import notify
from cadence.ideas import rules
from cadence.ideas import selectors as ideas_selectors
from cadence.ideas.models import (
    MAX_DECLINE_REASON,
    MAX_DETAIL,
    MAX_IDEA_COMMENT,
    Comment,
    Idea,
    Prompt,
    Round,
    Vote,
)
from cadence.ideas.selectors import RoundAccess
from cadence.okrs import services as okr_services
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Person, Unit

MAX_IDEA_TITLE = 200


def _same_org(actor: Person, *objects) -> None:
    if any(o.organization_id != actor.organization_id for o in objects):
        raise PermissionDenied("That belongs to another organization.")


def _text(value, *, field: str, limit: int, required: bool, errors: dict, noun: str) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = f"Give {noun}."
    elif len(text) > limit:
        errors[field] = f"Keep {noun} to {limit:,} characters or fewer."
    return text


def _require_open(ideas_round: Round, today: date | None, doing: str) -> None:
    day = today or timezone.localdate()
    status = rules.status(ideas_round.opens_on, ideas_round.closes_on, day)
    if status == rules.UPCOMING:
        raise Conflict(
            f"This round opens on {ideas_round.opens_on:%-d %B %Y}: {doing} from that day."
        )
    if status == rules.CLOSED:
        raise Conflict(
            f"This round closed on {ideas_round.closes_on:%-d %B %Y}: it takes no more {doing}."
        )


def _require_participant(actor: Person, ideas_round: Round, doing: str) -> RoundAccess:
    _same_org(actor, ideas_round)
    access = RoundAccess(actor)
    if not access.can_take_part(ideas_round):
        raise PermissionDenied(f"Only the people this round asks may {doing}.")
    return access


def _require_leader(actor: Person, ideas_round: Round, doing: str) -> None:
    _same_org(actor, ideas_round)
    if not RoundAccess(actor).can_lead(ideas_round):
        raise PermissionDenied(
            f"Only the round's opener, leads of {ideas_round.unit.name} or above and admins "
            f"{doing}."
        )


def _round_url(ideas_round: Round) -> str:
    return reverse("ideas_round", args=[ideas_round.id])


@transaction.atomic
def ideas_round_open(
    *,
    actor: Person,
    unit: Unit,
    cycle: Cycle,
    opens_on: date,
    closes_on: date,
    prompts: list[str] | None = None,
    today: date | None = None,
) -> Round:
    """Open an ideas round for ``unit`` (the company unit: the whole organization) ahead of
    ``cycle``, answered from ``opens_on`` to ``closes_on``. ``prompts`` default to the four
    questions of docs/method.md §9. Everyone the round asks is told now."""
    _same_org(actor, unit, cycle)
    if not RoundAccess(actor).access.can_lead_unit(unit):
        raise PermissionDenied(f"Only leads of {unit.name} or above and admins open its rounds.")
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if unit.archived_at is not None:
        errors["unit"] = f"{unit.name} is archived: choose another unit."
    if cycle.closed_at is not None:
        errors["cycle"] = f"{cycle.name} is closed: choose a cycle still to come."
    elif cycle.end < today:
        errors["cycle"] = f"{cycle.name} is over: choose a cycle still to come."
    if not (opens_on and closes_on):
        errors["opens_on"] = "Give the days the round opens and closes."
    elif "cycle" not in errors:
        errors.update(rules.period_errors(opens_on, closes_on, today=today, cycle_end=cycle.end))
    texts, problem = rules.clean_prompts(rules.DEFAULT_PROMPTS if prompts is None else prompts)
    if problem:
        errors["prompts"] = problem
    if errors:
        raise ValidationError(errors)
    if Round.objects.filter(unit=unit, cycle=cycle).exists():
        raise Conflict({"cycle": f"{unit.name} already has an ideas round for {cycle.name}."})
    ideas_round = Round.objects.create(
        organization_id=actor.organization_id,
        unit=unit,
        cycle=cycle,
        opens_on=opens_on,
        closes_on=closes_on,
        opened_by=actor,
    )
    Prompt.objects.bulk_create(
        Prompt(organization_id=actor.organization_id, round=ideas_round, position=i, text=t)
        for i, t in enumerate(texts)
    )
    audit_record(
        organization=actor.organization_id,
        kind="ideas_round.opened",
        actor=actor,
        target=ideas_round,
        changes={
            "unit": [None, unit.name],
            "cycle": [None, cycle.name],
            "opens_on": [None, opens_on.isoformat()],
            "closes_on": [None, closes_on.isoformat()],
            "prompts": [None, texts],
        },
    )
    who = "the whole organization" if unit.kind == Unit.Kind.COMPANY else unit.name
    text = (
        f"{actor.name} asks {who} for ideas for {cycle.name}: answer between "
        f"{opens_on:%-d %b} and {closes_on:%-d %b}."
    )
    url = _round_url(ideas_round)
    for person in ideas_selectors.round_participants(ideas_round):
        notify(
            person=person,
            kind=notices.IDEAS_ROUND,
            text=text,
            url=url,
            actor=actor,
            key=f"ideas_round:{ideas_round.pk}",
        )
    return ideas_round


@transaction.atomic
def idea_add(
    *,
    actor: Person,
    prompt: Prompt,
    title: str,
    detail: str = "",
    today: date | None = None,
) -> Idea:
    """Answer one of a round's prompts with an idea, while the round is open."""
    ideas_round = prompt.round
    _require_participant(actor, ideas_round, "answer it")
    _require_open(ideas_round, today, "ideas")
    errors: dict[str, str] = {}
    title = _text(
        title, field="title", limit=MAX_IDEA_TITLE, required=True, errors=errors, noun="a title"
    )
    detail = _text(
        detail, field="detail", limit=MAX_DETAIL, required=False, errors=errors, noun="the detail"
    )
    if errors:
        raise ValidationError(errors)
    idea = Idea.objects.create(
        organization_id=ideas_round.organization_id,
        round=ideas_round,
        prompt=prompt,
        author=actor,
        title=title,
        detail=detail,
    )
    audit_record(
        organization=idea.organization_id,
        kind="idea.added",
        actor=actor,
        target=idea,
        changes={"prompt": [None, prompt.text], "title": [None, title], "detail": [None, detail]},
    )
    return idea


def _locked(idea: Idea) -> Idea:
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("round__unit", "round__cycle", "prompt", "author")
        .get(pk=idea.pk)
    )


@transaction.atomic
def idea_vote_set(*, actor: Person, idea: Idea, on: bool, today: date | None = None) -> bool:
    """Upvote an idea (``on``) or withdraw the upvote: one vote per person, while the round is
    open, never on one's own idea. Returns whether the person's vote now stands; asking for
    what already holds changes nothing."""
    idea = _locked(idea)
    _require_participant(actor, idea.round, "vote")
    _require_open(idea.round, today, "votes")
    if idea.author_id == actor.pk:
        raise ValidationError({"vote": "Your own idea takes votes from the others, not from you."})
    existing = Vote.objects.filter(idea=idea, person=actor)
    if on == existing.exists():
        return on
    if on:
        Vote.objects.create(organization_id=idea.organization_id, idea=idea, person=actor)
    else:
        existing.delete()
    audit_record(
        organization=idea.organization_id,
        kind="idea.voted" if on else "idea.unvoted",
        actor=actor,
        target=idea,
    )
    return on


def idea_vote_toggle(*, actor: Person, idea: Idea, today: date | None = None) -> bool:
    """Upvote the idea, or withdraw the upvote already given. Returns whether it now stands."""
    voted = Vote.objects.filter(idea=idea, person=actor).exists()
    return idea_vote_set(actor=actor, idea=idea, on=not voted, today=today)


@transaction.atomic
def idea_comment_add(*, actor: Person, idea: Idea, text: str, today: date | None = None) -> Comment:
    """Comment on an idea while its round is open."""
    ideas_round = idea.round
    _require_participant(actor, ideas_round, "comment")
    _require_open(ideas_round, today, "comments")
    errors: dict[str, str] = {}
    text = _text(
        text, field="text", limit=MAX_IDEA_COMMENT, required=True, errors=errors, noun="a comment"
    )
    if errors:
        raise ValidationError(errors)
    comment = Comment.objects.create(
        organization_id=idea.organization_id, idea=idea, author=actor, text=text
    )
    audit_record(
        organization=idea.organization_id,
        kind="idea.commented",
        actor=actor,
        target=idea,
        changes={"comment": [None, text]},
    )
    return comment


def _require_undecided(idea: Idea) -> None:
    if idea.state == Idea.State.PROMOTED:
        raise Conflict("This idea was already promoted to a draft objective.")
    if idea.state == Idea.State.DECLINED:
        raise Conflict("This idea was declined.")


@transaction.atomic
def idea_promote(*, actor: Person, idea: Idea, title: str, why: str = "") -> Objective:
    """Promote an idea into a DRAFT objective of the round's unit and cycle (through the okrs
    services), linked to the idea; its author is told. Once per idea."""
    idea = _locked(idea)
    ideas_round = idea.round
    _require_leader(actor, ideas_round, "promote its ideas")
    _require_undecided(idea)
    objective = okr_services.objective_create(
        actor=actor,
        cycle=ideas_round.cycle,
        unit=ideas_round.unit,
        title=title,
        why=why,
        state=Objective.State.DRAFT,
    )
    idea.state = Idea.State.PROMOTED
    idea.objective = objective
    idea.decided_by = actor
    idea.decided_at = timezone.now()
    idea.save(update_fields=["state", "objective", "decided_by", "decided_at", "updated_at"])
    audit_record(
        organization=idea.organization_id,
        kind="idea.promoted",
        actor=actor,
        target=idea,
        changes={"state": [Idea.State.OPEN, Idea.State.PROMOTED], "objective": [None, objective]},
    )
    if idea.author is not None:
        notify(
            person=idea.author,
            kind=notices.IDEA_PROMOTED,
            text=f"{actor.name} made your idea “{idea.title}” the draft objective "
            f"“{objective.title}”.",
            url=reverse("objective_detail", args=[objective.id]),
            actor=actor,
            objective=objective,
            key=f"idea_promoted:{idea.pk}",
        )
    return objective


@transaction.atomic
def idea_decline(*, actor: Person, idea: Idea, reason: str) -> Idea:
    """Decline an idea, saying why (shown with it)."""
    idea = _locked(idea)
    _require_leader(actor, idea.round, "decline its ideas")
    _require_undecided(idea)
    errors: dict[str, str] = {}
    reason = _text(
        reason,
        field="reason",
        limit=MAX_DECLINE_REASON,
        required=True,
        errors=errors,
        noun="a reason",
    )
    if errors:
        raise ValidationError(errors)
    idea.state = Idea.State.DECLINED
    idea.decline_reason = reason
    idea.decided_by = actor
    idea.decided_at = timezone.now()
    idea.save(update_fields=["state", "decline_reason", "decided_by", "decided_at", "updated_at"])
    audit_record(
        organization=idea.organization_id,
        kind="idea.declined",
        actor=actor,
        target=idea,
        changes={"state": [Idea.State.OPEN, Idea.State.DECLINED], "reason": [None, reason]},
    )
    return idea
