"""Scoring: the results page (scores, bands, charts), closing a cycle, adjusting a score and
choosing the grading scheme."""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.core.forms import submit
from cadence.okrs import selectors as okr_selectors
from cadence.orgs.models import Organization
from cadence.orgs.selectors import Access, UnitTree
from cadence.scoring import charts as review_charts
from cadence.scoring import rules as scoring
from cadence.scoring import selectors, services
from cadence.scoring.forms import CycleCloseForm, GradingSchemeForm, ScoreAdjustForm


def _results_page(
    request: HttpRequest,
    cycle,
    *,
    failed: tuple | None = None,
    close_form: CycleCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The results page. ``failed`` = (object id, bound form with errors) re-shows one
    adjustment form that did not save."""
    person = request.user
    organization = person.organization
    tree = UnitTree.load(organization)
    access = Access(person, tree)
    board = okr_selectors.board_for_cycle(organization, cycle, viewer=person)
    adjustable = services.scores_adjustable(cycle, board.today)

    def form_of(item) -> dict:
        if failed and failed[0] == item.obj.pk:
            return {"form": failed[1], "form_open": True}
        initial = {"score": f"{item.score:.1f}"} if item.score is not None else {}
        form = ScoreAdjustForm(auto_id=f"score-{item.obj.pk}-%s", initial=initial)
        return {"form": form, "form_open": False}

    def row_for(row):
        can = adjustable and row.scoreable and services.can_adjust_scores(person, row.obj, access)
        if not can:
            return row
        key_results = [replace(k, **form_of(k)) for k in row.key_results]
        return replace(row, can_adjust=True, key_results=key_results, **form_of(row))

    summary = selectors.with_forms(
        selectors.cycle_summary(organization, cycle, viewer=person, board=board, tree=tree),
        row_for,
    )
    distribution = review_charts.distribution(
        [
            (u.unit.name, [(r.commitment, r.score) for r in u.objectives if r.scoreable])
            for u in summary.units
            if any(r.scoreable for r in u.objectives)
        ],
        summary.scheme,
    )
    history = selectors.success_rate_history(organization)
    is_admin = person.is_admin
    context = {
        "cycle": cycle,
        "summary": summary,
        "scheme": summary.scheme,
        "phase": cycle.phase_on(board.today),
        "scored_rows": [r for r in summary.objectives if r.scoreable],
        "unscored_rows": [r for r in summary.objectives if not r.scoreable],
        "distribution": distribution,
        "bands": scoring.bands_of(summary.scheme),
        "history": history,
        "history_chart": review_charts.rate_history(
            [(p.cycle.name, p.success_rate) for p in history]
        ),
        "adjustable": adjustable,
        "can_close": is_admin and not cycle.closed_at,
        "close_form": close_form or CycleCloseForm(auto_id="close-%s"),
        "close_open": close_form is not None,
        "scheme_form": (
            GradingSchemeForm(auto_id="scheme-%s", initial={"scheme": summary.scheme})
            if is_admin
            else None
        ),
        "cycle_switch_action": reverse("dashboard"),
        "nav": "results",
    }
    return render(request, "scoring/results.html", context, status=status)


@login_required
def cycle_results(request: HttpRequest, cycle_id) -> HttpResponse:
    cycle = okr_selectors.request_cycle(request, cycle_id)
    return _results_page(request, cycle)


def _results_url(cycle, anchor: str = "") -> str:
    url = reverse("cycle_results", args=[cycle.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
def cycle_close(request: HttpRequest, cycle_id) -> HttpResponse:
    cycle = okr_selectors.cycle_get(request.user.organization, cycle_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = CycleCloseForm(request.POST, auto_id="close-%s")
    done = submit(
        request, form, lambda _data: services.cycle_close(actor=request.user, cycle=cycle)
    )
    if done.saved:
        messages.success(request, f"{cycle.name} is closed and every objective is scored.")
        return redirect(_results_url(cycle))
    return _results_page(request, cycle, close_form=form, status=done.status)


def _score_adjust(request: HttpRequest, target, *, cycle, objective, adjust) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ScoreAdjustForm(request.POST, auto_id=f"score-{target.pk}-%s")
    done = submit(request, form, lambda data: adjust(data["score"], data["reason"]))
    if done.saved:
        messages.success(
            request,
            f"Score of “{target.title}” set to {done.result.new_score:.1f}; the reason is kept.",
        )
        return redirect(_results_url(cycle, f"objective-{objective.pk}"))
    return _results_page(request, cycle, failed=(target.pk, form), status=done.status)


@login_required
def objective_score(request: HttpRequest, objective_id) -> HttpResponse:
    objective = okr_selectors.objective_get(
        request.user.organization, objective_id, viewer=request.user
    )
    return _score_adjust(
        request,
        objective,
        cycle=objective.cycle,
        objective=objective,
        adjust=lambda score, reason: services.objective_score_adjust(
            actor=request.user, objective=objective, score=score, reason=reason
        ),
    )


@login_required
def key_result_score(request: HttpRequest, key_result_id) -> HttpResponse:
    kr = okr_selectors.key_result_get(request.user.organization, key_result_id, viewer=request.user)
    return _score_adjust(
        request,
        kr,
        cycle=kr.objective.cycle,
        objective=kr.objective,
        adjust=lambda score, reason: services.key_result_score_adjust(
            actor=request.user, key_result=kr, score=score, reason=reason
        ),
    )


@login_required
def grading_scheme(request: HttpRequest, cycle_id) -> HttpResponse:
    cycle = okr_selectors.cycle_get(request.user.organization, cycle_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = GradingSchemeForm(request.POST)
    if form.is_valid():
        try:
            services.organization_grading_scheme_set(
                actor=request.user, scheme=form.cleaned_data["scheme"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            label = Organization.GradingScheme(form.cleaned_data["scheme"]).label
            messages.success(request, f"Scores are now shown as: {label.lower()}.")
    else:
        if not request.user.is_admin:
            raise PermissionDenied("Only organization admins choose the grading scheme.")
        messages.error(request, "Choose how scores are shown.")
    return redirect(_results_url(cycle, "grading"))
