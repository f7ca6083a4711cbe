"""Reviews: the cycle's review hub (phases, what is due), its monthly and mid-cycle reviews with
their target changes and abandoned objectives."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from cadence.core.forms import Submission, submit
from cadence.core.htmx import query_object
from cadence.core.validators import parse_month
from cadence.okrs import pages
from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Unit
from cadence.orgs.selectors import Access
from cadence.reviews import questions as review_questions
from cadence.reviews import selectors, services
from cadence.reviews.forms import AbandonForm, PeriodicReviewForm, TargetChangeForm
from cadence.reviews.models import Review


def _optional_url(name: str, *args) -> str | None:
    """A URL of a page another part of the review app may or may not provide yet."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _month_slug(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


@login_required
def cycle_review(request: HttpRequest, cycle_id) -> HttpResponse:
    """The cycle's review hub: its phase with dates, what is due now, and every review page."""
    organization = request.user.organization
    cycle = okr_selectors.request_cycle(request, cycle_id)
    today = selectors.organization_today(organization)
    # The cycle's reviews of the three kinds the hub lists, in one query (in their order).
    reviews = list(
        selectors.reviews_of(organization, cycle).filter(
            kind__in=[Review.Kind.MONTHLY, Review.Kind.MID_CYCLE, Review.Kind.RETROSPECTIVE]
        )
    )
    monthly = [r for r in reviews if r.kind == Review.Kind.MONTHLY]
    mid_cycle = [r for r in reviews if r.kind == Review.Kind.MID_CYCLE]
    retrospectives = {r.unit_id: r for r in reviews if r.kind == Review.Kind.RETROSPECTIVE}
    tree = Access.of(request.user).tree  # the request's one (its sight's)
    months = [
        {
            "month": month,
            "slug": _month_slug(month),
            "reviews": [r for r in monthly if r.period == month],
            "current": month.year == today.year and month.month == today.month,
        }
        for month in services.cycle_months(cycle)
    ]
    context = {
        "cycle": cycle,
        "today": today,
        "phases": selectors.cycle_phases(cycle, today),
        "due": selectors.due_now(organization, cycle, today, viewer=request.user),
        "months": months,
        "mid_cycle_reviews": mid_cycle,
        "retro_teams": [
            {"unit": unit, "review": retrospectives.get(unit.id)}
            for unit, _ in tree.walk()
            if unit.kind == Unit.Kind.TEAM
        ],
        "links": {
            "results": _optional_url("cycle_results", cycle.id),
            "retrospectives": _optional_url("cycle_retrospectives", cycle.id),
            "company_review": _optional_url("company_review", cycle.id),
            "learnings": _optional_url("learnings"),
            "next_cycle": _optional_url("cycle_next", cycle.id),
        },
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "reviews/review_hub.html", context)


def _parse_month(cycle, text: str) -> date:
    try:
        first = parse_month(text)
    except ValueError as exc:
        raise Http404("No such month.") from exc
    if first not in services.cycle_months(cycle):
        raise Http404("No such month in this cycle.")
    return first


@login_required
def review_monthly(request: HttpRequest, cycle_id, month: str) -> HttpResponse:
    cycle = okr_selectors.request_cycle(request, cycle_id)
    period = _parse_month(cycle, month)
    return _periodic_review(request, cycle, Review.Kind.MONTHLY, period)


@login_required
def review_mid_cycle(request: HttpRequest, cycle_id) -> HttpResponse:
    cycle = okr_selectors.request_cycle(request, cycle_id)
    return _periodic_review(request, cycle, Review.Kind.MID_CYCLE, None)


PERIODIC_QUESTIONS = {
    Review.Kind.MONTHLY: review_questions.MONTHLY,
    Review.Kind.MID_CYCLE: review_questions.MID_CYCLE,
}


def _in_cycle_or_404(objective, cycle) -> None:
    if objective.cycle_id != cycle.id:
        raise Http404("Not part of this cycle.")


@dataclass(frozen=True)
class ReviewKeyResult:
    """A key result on a review page: what the review adds beside the board's own row."""

    key_result: pages.KeyResultRow
    target_history: list  # TargetChange rows, oldest first
    can_change_target: bool
    target_form: TargetChangeForm | None  # the refused form, shown again at its place


@dataclass(frozen=True)
class ReviewObjective:
    objective: pages.ObjectiveRow
    key_results: list[ReviewKeyResult]
    can_abandon: bool
    abandon_form: AbandonForm | None  # the refused form, shown again at its place


@dataclass(frozen=True)
class ReviewGroupRows:
    unit: Unit
    depth: int
    objectives: list[ReviewObjective]


def _target_change(person, organization, cycle, review, data):
    kr = okr_selectors.key_result_get(organization, data["key_result"], viewer=person)
    _in_cycle_or_404(kr.objective, cycle)
    services.key_result_change_target(
        actor=person,
        key_result=kr,
        target=data["target"],
        start=data["start"],
        reason=data["reason"],
        review=review,
    )
    return kr


def _abandon(person, organization, cycle, data):
    objective = okr_selectors.objective_get(organization, data["objective"], viewer=person)
    _in_cycle_or_404(objective, cycle)
    okr_services.objective_set_state(
        actor=person, objective=objective, state=Objective.State.ABANDONED, reason=data["reason"]
    )
    return objective


def _periodic_review(request: HttpRequest, cycle, kind: str, period: date | None) -> HttpResponse:
    """A unit's monthly or mid-cycle review (``?unit=``, default: the company): the board of the
    unit and the units below it, the questions and notes, and the review's actions — change a
    key result's target, abandon an objective — each with its reason. One view handles the
    three forms (``action``): a refused one is shown again at its place with the message."""
    person = request.user
    organization = person.organization
    access = Access.of(person)
    tree = access.tree
    unit = query_object(request, "unit", org_selectors.unit_get, organization) or tree.root
    review = selectors.periodic_review_find(organization, cycle, unit, kind, period)
    question_list = PERIODIC_QUESTIONS[kind]
    here = request.get_full_path()
    target_form = abandon_form = None
    initial = dict(review.answers) if review else {}
    initial["notes"] = review.notes if review else ""
    form = PeriodicReviewForm(initial=initial, question_list=question_list)
    done = Submission(saved=False)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "target":
        target_form = TargetChangeForm(request.POST)
        done = submit(
            request,
            target_form,
            lambda data: _target_change(person, organization, cycle, review, data),
        )
        if done.saved:
            messages.success(request, f"The target of “{done.result.title}” was changed.")
            return redirect(f"{here}#kr-{done.result.id}")
    elif action == "abandon":
        abandon_form = AbandonForm(request.POST)
        done = submit(
            request, abandon_form, lambda data: _abandon(person, organization, cycle, data)
        )
        if done.saved:
            messages.success(request, f"“{done.result.title}” was abandoned.")
            return redirect(f"{here}#objective-{done.result.id}")
    elif request.method == "POST":
        form = PeriodicReviewForm(request.POST, question_list=question_list)
        done = submit(
            request,
            form,
            lambda data: services.review_save(
                actor=person,
                cycle=cycle,
                unit=unit,
                kind=kind,
                period=period,
                answers=form.answers(),
                notes=data["notes"],
            ),
        )
        if done.saved:
            messages.success(request, "Review saved.")
            return redirect(f"{here}#questions")
    today = selectors.organization_today(organization)
    reviewed = selectors.review_board(organization, cycle, unit, tree, today=today, viewer=person)
    board = reviewed.board
    board_rows = pages.board_rows(
        board, person, access, details=pages.history_details(reviewed.histories)
    )
    histories = selectors.target_histories_many(
        [kr for g in reviewed.groups for o in g.objectives for kr in o.krs]
    )
    failed_kr = target_form.data.get("key_result") if target_form is not None else None
    failed_objective = abandon_form.data.get("objective") if abandon_form is not None else None

    def row(o: pages.ObjectiveRow) -> ReviewObjective:
        can_abandon = o.can_edit and o.is_open
        return ReviewObjective(
            objective=o,
            key_results=[
                ReviewKeyResult(
                    key_result=kr,
                    target_history=histories.get(kr.id, []),
                    can_change_target=can_abandon and kr.kind != KeyResult.Kind.MILESTONE,
                    target_form=target_form if str(kr.id) == failed_kr else None,
                )
                for kr in o.krs
            ],
            can_abandon=can_abandon,
            abandon_form=abandon_form if str(o.id) == failed_objective else None,
        )

    rows = [
        ReviewGroupRows(g.unit, g.depth, [row(board_rows[o.id]) for o in g.objectives])
        for g in reviewed.groups
    ]
    months = services.cycle_months(cycle)
    index = months.index(period) if period in months else None
    context = {
        "cycle": cycle,
        "kind": kind,
        "kind_label": Review.Kind(kind).label,
        "period": period,
        "unit": unit,
        "units": tree.walk(),
        "review": review,
        "form": form,
        "questions": question_list,
        "answered": [
            (text, (review.answers if review else {}).get(q, "")) for q, text in question_list
        ],
        "here": here,
        "can_write": access.can_lead_unit(unit),
        "groups": rows,
        "board": board,
        "today": today,
        "expected": board.expected,
        "closed": bool(cycle.closed_at),
        "previous_month": months[index - 1] if index else None,
        "next_month": (
            months[index + 1] if index is not None and index + 1 < len(months) else None
        ),
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    template = "reviews/monthly.html" if kind == Review.Kind.MONTHLY else "reviews/mid_cycle.html"
    return render(request, template, context, status=done.status)
