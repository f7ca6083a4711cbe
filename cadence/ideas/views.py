"""Ideas rounds: the list, opening a round, a round's page (answer, upvote, comment), and
promoting or declining an idea. Thin: forms parse, selectors read, one service writes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.core.forms import UNPROCESSABLE, submit
from cadence.core.htmx import post_only
from cadence.ideas import rules, selectors, services
from cadence.ideas.forms import CommentForm, DeclineForm, IdeaForm, PromoteForm, RoundForm
from cadence.ideas.models import Idea, Round
from cadence.ideas.selectors import RoundAccess
from cadence.okrs import selectors as okr_selectors


def _readable_round(request: HttpRequest, round_id) -> tuple[Round, RoundAccess]:
    ideas_round = selectors.round_get(request.user.organization, round_id)
    access = RoundAccess(request.user)
    if not access.can_read(ideas_round):
        raise PermissionDenied("This round is for another team.")
    return ideas_round, access


def _readable_idea(request: HttpRequest, idea_id) -> tuple[Idea, RoundAccess]:
    idea = selectors.idea_get(request.user.organization, idea_id)
    access = RoundAccess(request.user)
    if not access.can_read(idea.round):
        raise PermissionDenied("This round is for another team.")
    return idea, access


def _round_url(ideas_round: Round, idea: Idea | None = None) -> str:
    url = reverse("ideas_round", args=[ideas_round.id])
    return f"{url}#idea-{idea.id}" if idea is not None else url


@login_required
def ideas_rounds(request: HttpRequest) -> HttpResponse:
    person = request.user
    context = {
        "rows": selectors.rounds_for(person),
        "can_open": bool(RoundAccess(person).units_to_open()),
        "nav": "ideas",
    }
    return render(request, "ideas/rounds.html", context)


def _open_cycles(organization, today):
    return [
        c
        for c in okr_selectors.cycles_of(organization).order_by("start", "name")
        if c.closed_at is None and c.end >= today
    ]


@login_required
def ideas_round_new(request: HttpRequest) -> HttpResponse:
    person = request.user
    today = timezone.localdate()
    units = RoundAccess(person).units_to_open()
    if not units:
        raise PermissionDenied("Only admins and leads open ideas rounds.")
    cycles = _open_cycles(person.organization, today)
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        units=units,
        cycles=cycles,
        today=today,
    )
    done = submit(
        request, form, lambda data: services.ideas_round_open(actor=person, today=today, **data)
    )
    if done.saved:
        messages.success(request, "The ideas round is open: everyone it asks has been told.")
        return redirect("ideas_round", round_id=done.result.id)
    context = {"form": form, "has_cycles": bool(cycles), "nav": "ideas"}
    return render(request, "ideas/round_form.html", context, status=done.status)


def _round_page(
    request: HttpRequest,
    ideas_round: Round,
    access: RoundAccess,
    *,
    idea_form: IdeaForm | None = None,
    failed: Idea | None = None,
    comment_form: CommentForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    person = request.user
    today = timezone.localdate()
    prompts = list(ideas_round.prompts.all())
    chosen = request.GET.get("prompt")
    prompt = selectors.prompt_get(ideas_round, chosen) if chosen else None
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    state = selectors.round_status(ideas_round, today)
    is_open = state == rules.OPEN
    can_take_part = access.can_take_part(ideas_round)
    context = {
        "round": ideas_round,
        "prompts": prompts,
        "prompt": prompt,
        "sort": sort,
        "sorts": selectors.SORTS,
        "status": state,
        "status_label": rules.STATUS_LABELS[state],
        "rows": selectors.ideas_of(ideas_round, person=person, sort=sort, prompt=prompt),
        "organization_round": selectors.is_organization_round(ideas_round),
        "can_answer": is_open and can_take_part,
        "can_lead": access.can_lead(ideas_round),
        "idea_form": idea_form
        or IdeaForm(prompts=prompts, initial={"prompt": str(prompt.id)} if prompt else None),
        "failed": failed,
        "comment_form": comment_form,
        "decline_form": decline_form,
        "nav": "ideas",
    }
    return render(request, "ideas/round.html", context, status=status)


@login_required
def ideas_round(request: HttpRequest, round_id) -> HttpResponse:
    ideas_round, access = _readable_round(request, round_id)
    return _round_page(request, ideas_round, access)


@login_required
def idea_add(request: HttpRequest, round_id) -> HttpResponse:
    ideas_round, access = _readable_round(request, round_id)
    if not_allowed := post_only(request):
        return not_allowed
    form = IdeaForm(request.POST, prompts=list(ideas_round.prompts.all()))
    done = submit(request, form, lambda data: services.idea_add(actor=request.user, **data))
    if done.saved:
        messages.success(request, "Your idea is in.")
        return redirect(_round_url(ideas_round, done.result))
    return _round_page(request, ideas_round, access, idea_form=form, status=UNPROCESSABLE)


@login_required
def idea_vote(request: HttpRequest, idea_id) -> HttpResponse:
    """POST: upvote the idea, or withdraw the upvote."""
    idea, access = _readable_idea(request, idea_id)
    if not_allowed := post_only(request):
        return not_allowed
    try:
        services.idea_vote_toggle(actor=request.user, idea=idea)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _round_page(request, idea.round, access, failed=idea, status=UNPROCESSABLE)
    return redirect(_round_url(idea.round, idea))


@login_required
def idea_comment(request: HttpRequest, idea_id) -> HttpResponse:
    idea, access = _readable_idea(request, idea_id)
    if not_allowed := post_only(request):
        return not_allowed
    form = CommentForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.idea_comment_add(actor=request.user, idea=idea, text=data["text"]),
    )
    if done.saved:
        return redirect(_round_url(idea.round, idea))
    return _round_page(
        request, idea.round, access, failed=idea, comment_form=form, status=UNPROCESSABLE
    )


@login_required
def idea_promote(request: HttpRequest, idea_id) -> HttpResponse:
    """The promote form (the idea's title and detail as a starting point) and its POST."""
    idea, access = _readable_idea(request, idea_id)
    person = request.user
    if not access.can_lead(idea.round):
        raise PermissionDenied("Only the round's leaders promote its ideas.")
    form = PromoteForm(
        request.POST if request.method == "POST" else None,
        initial={"title": idea.title, "why": idea.detail},
    )
    done = submit(
        request, form, lambda data: services.idea_promote(actor=person, idea=idea, **data)
    )
    if done.saved:
        messages.success(request, "The idea is now a draft objective: add its key results.")
        return redirect("objective_detail", objective_id=done.result.id)
    context = {"form": form, "idea": idea, "round": idea.round, "nav": "ideas"}
    return render(request, "ideas/promote.html", context, status=done.status)


@login_required
def idea_decline(request: HttpRequest, idea_id) -> HttpResponse:
    idea, access = _readable_idea(request, idea_id)
    if not_allowed := post_only(request):
        return not_allowed
    form = DeclineForm(request.POST)
    done = submit(
        request,
        form,
        lambda data: services.idea_decline(actor=request.user, idea=idea, reason=data["reason"]),
    )
    if done.saved:
        messages.success(request, "The idea was declined; its reason is shown with it.")
        return redirect(_round_url(idea.round, idea))
    return _round_page(
        request, idea.round, access, failed=idea, decline_form=form, status=UNPROCESSABLE
    )
