"""Reviews: views. Four sections, each owned by one person while this app is being built."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cadence.core.htmx import query_object
from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.okrs.forms import CycleForm, add_service_error
from cadence.okrs.models import KeyResult, Objective
from cadence.okrs.views import UNPROCESSABLE, _next_cycle_initial, decorate_board
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Organization, Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.reviews import charts as review_charts
from cadence.reviews import exports, scoring, selectors, services
from cadence.reviews import questions as review_questions
from cadence.reviews.forms import (
    AbandonForm,
    CompanyReviewForm,
    CycleCloseForm,
    DepartmentReviewForm,
    GradingSchemeForm,
    LearningSearchForm,
    PeriodicReviewForm,
    RetrospectiveForm,
    ScoreAdjustForm,
    TargetChangeForm,
)
from cadence.reviews.models import Review

# --- Scoring, closing, results and charts -----------------------------------------------------


def _can_adjust_scores(cycle, today) -> bool:
    return bool(cycle.closed_at) or cycle.phase_on(today) == cycle.Phase.REVIEW


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
    board = okr_selectors.board_for_cycle(organization, cycle)
    summary = selectors.cycle_summary(organization, cycle, board=board, tree=tree)
    adjustable = _can_adjust_scores(cycle, board.today)
    for row in summary.objectives:
        can = adjustable and row.scoreable and access.can_lead_unit(row.obj.unit)
        row.can_adjust = can
        for item in [row, *row.key_results]:
            item.form = None
            item.form_open = False
            if not can:
                continue
            if failed and failed[0] == item.obj.pk:
                item.form, item.form_open = failed[1], True
            else:
                initial = {"score": f"{item.score:.1f}"} if item.score is not None else {}
                item.form = ScoreAdjustForm(auto_id=f"score-{item.obj.pk}-%s", initial=initial)
    distribution = review_charts.distribution(
        [
            (u.unit.name, [r.score for r in u.objectives if r.scoreable])
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
    return render(request, "reviews/results.html", context, status=status)


@login_required
def cycle_results(request: HttpRequest, cycle_id) -> HttpResponse:
    cycle = okr_selectors.cycle_get(request.user.organization, cycle_id)
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
    if form.is_valid():
        try:
            services.cycle_close(actor=request.user, cycle=cycle)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{cycle.name} is closed and every objective is scored.")
            return redirect(_results_url(cycle))
    return _results_page(request, cycle, close_form=form, status=UNPROCESSABLE)


def _score_adjust(request: HttpRequest, target, *, cycle, objective, adjust) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ScoreAdjustForm(request.POST, auto_id=f"score-{target.pk}-%s")
    if form.is_valid():
        try:
            change = adjust(form.cleaned_data["score"], form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"Score of “{target.title}” set to {change.new_score:.1f}; the reason is kept.",
            )
            return redirect(_results_url(cycle, f"objective-{objective.pk}"))
    return _results_page(request, cycle, failed=(target.pk, form), status=UNPROCESSABLE)


@login_required
def objective_score(request: HttpRequest, objective_id) -> HttpResponse:
    objective = okr_selectors.objective_get(request.user.organization, objective_id)
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
    kr = okr_selectors.key_result_get(request.user.organization, key_result_id)
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


# --- Phases, what is due, monthly and mid-cycle reviews, target changes ------------------------


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
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    today = selectors.organization_today(organization)
    monthly = list(selectors.reviews_of(organization, cycle, kind=Review.Kind.MONTHLY))
    mid_cycle = list(selectors.reviews_of(organization, cycle, kind=Review.Kind.MID_CYCLE))
    retrospectives = {
        r.unit_id: r
        for r in selectors.reviews_of(organization, cycle, kind=Review.Kind.RETROSPECTIVE)
    }
    tree = UnitTree.load(organization)
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
        "due": selectors.due_now(organization, cycle, today),
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
        year, month = (int(part) for part in text.split("-"))
        first = date(year, month, 1)
    except (TypeError, ValueError) as exc:
        raise Http404("No such month.") from exc
    if len(text) != 7 or first not in services.cycle_months(cycle):
        raise Http404("No such month in this cycle.")
    return first


@login_required
def review_monthly(request: HttpRequest, cycle_id, month: str) -> HttpResponse:
    cycle = okr_selectors.cycle_get(request.user.organization, cycle_id)
    period = _parse_month(cycle, month)
    return _periodic_review(request, cycle, Review.Kind.MONTHLY, period)


@login_required
def review_mid_cycle(request: HttpRequest, cycle_id) -> HttpResponse:
    cycle = okr_selectors.cycle_get(request.user.organization, cycle_id)
    return _periodic_review(request, cycle, Review.Kind.MID_CYCLE, None)


PERIODIC_QUESTIONS = {
    Review.Kind.MONTHLY: review_questions.MONTHLY,
    Review.Kind.MID_CYCLE: review_questions.MID_CYCLE,
}


def _in_cycle_or_404(objective, cycle) -> None:
    if objective.cycle_id != cycle.id:
        raise Http404("Not part of this cycle.")


def _periodic_review(request: HttpRequest, cycle, kind: str, period: date | None) -> HttpResponse:
    """A unit's monthly or mid-cycle review (``?unit=``, default: the company): the board of the
    unit and the units below it, the questions and notes, and the review's actions — change a
    key result's target, abandon an objective — each with its reason. One view handles the
    three forms (``action``): a refused one is shown again at its place with the message."""
    person = request.user
    organization = person.organization
    tree = UnitTree.load(organization)
    unit = query_object(request, "unit", org_selectors.unit_get, organization) or tree.root
    access = Access(person, tree)
    review = selectors.periodic_review_find(organization, cycle, unit, kind, period)
    question_list = PERIODIC_QUESTIONS[kind]
    here = request.get_full_path()
    form = target_form = abandon_form = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "target":
            target_form = TargetChangeForm(request.POST)
            if target_form.is_valid():
                kr = okr_selectors.key_result_get(
                    organization, target_form.cleaned_data["key_result"]
                )
                _in_cycle_or_404(kr.objective, cycle)
                try:
                    services.key_result_change_target(
                        actor=person,
                        key_result=kr,
                        target=target_form.cleaned_data["target"],
                        start=target_form.cleaned_data["start"],
                        reason=target_form.cleaned_data["reason"],
                        review=review,
                    )
                except ValidationError as error:
                    add_service_error(target_form, error)
                else:
                    messages.success(request, f"The target of “{kr.title}” was changed.")
                    return redirect(f"{here}#kr-{kr.id}")
        elif action == "abandon":
            abandon_form = AbandonForm(request.POST)
            if abandon_form.is_valid():
                objective = okr_selectors.objective_get(
                    organization, abandon_form.cleaned_data["objective"]
                )
                _in_cycle_or_404(objective, cycle)
                try:
                    okr_services.objective_set_state(
                        actor=person,
                        objective=objective,
                        state=Objective.State.ABANDONED,
                        reason=abandon_form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    add_service_error(abandon_form, error)
                else:
                    messages.success(request, f"“{objective.title}” was abandoned.")
                    return redirect(f"{here}#objective-{objective.id}")
        else:
            form = PeriodicReviewForm(request.POST, question_list=question_list)
            if form.is_valid():
                try:
                    services.review_save(
                        actor=person,
                        cycle=cycle,
                        unit=unit,
                        kind=kind,
                        period=period,
                        answers=form.answers(),
                        notes=form.cleaned_data["notes"],
                    )
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(request, "Review saved.")
                    return redirect(f"{here}#questions")
        status = UNPROCESSABLE
    if form is None:
        initial = dict(review.answers) if review else {}
        initial["notes"] = review.notes if review else ""
        form = PeriodicReviewForm(initial=initial, question_list=question_list)
    today = selectors.organization_today(organization)
    board, groups = selectors.review_board(organization, cycle, unit, tree, today=today)
    decorate_board(board, person, access)
    selectors.attach_target_history([o for g in groups for o in g.objectives])
    failed_kr = target_form.data.get("key_result") if target_form is not None else None
    failed_objective = abandon_form.data.get("objective") if abandon_form is not None else None
    for group in groups:
        for o in group.objectives:
            o.abandon_form = abandon_form if str(o.id) == failed_objective else None
            for kr in o.krs:
                kr.can_change_target = (
                    o.can_edit and o.is_open and kr.kind != KeyResult.Kind.MILESTONE
                )
                kr.target_form = target_form if str(kr.id) == failed_kr else None
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
        "groups": groups,
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
    return render(request, template, context, status=status)


# --- Retrospectives, department and company reviews, exports, learnings -----------------------

LEARNINGS_PER_PAGE = 25


def _retro_save_error(form, error: ValidationError) -> None:
    """Service messages on the form; the lists' messages go on top of their inputs."""
    add_service_error(form, error)


@login_required
def team_retrospective(request: HttpRequest, cycle_id, unit_id) -> HttpResponse:
    """A team's end-of-cycle retrospective: its objectives' scores, the four question groups
    (the full team report), the short overview and its 3–6 learnings, and an explanation for
    each committed objective scored below 1.0."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    unit = org_selectors.unit_get(organization, unit_id)
    if unit.kind != Unit.Kind.TEAM:
        raise Http404("Retrospectives are written by teams.")
    can_edit = Access(person).can_edit_unit(unit)
    retro = selectors.team_retrospective(organization, cycle, unit)
    explain = [o for o in retro.objectives if o.needs_explanation or o.explanation]
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(
                f"Only members of {unit.name}, its leads and admins write its retrospective."
            )
        form = RetrospectiveForm(request.POST, objectives=explain)
        if form.is_valid():
            try:
                services.retrospective_save(
                    actor=person,
                    cycle=cycle,
                    unit=unit,
                    answers=form.answers(),
                    overview=form.cleaned_data["overview"],
                    satisfaction=form.cleaned_data["satisfaction"],
                    worked=form.cleaned_data["worked"],
                    failed=form.cleaned_data["failed"],
                    learnings=form.learnings(),
                    explanations=form.explanations(),
                )
            except ValidationError as error:
                _retro_save_error(form, error)
            else:
                url = reverse("team_retrospective", args=[cycle.id, unit.id])
                if request.POST.get("action") != "complete":
                    messages.success(request, "Retrospective saved as a draft.")
                    return redirect(url)
                try:
                    services.retrospective_complete(actor=person, cycle=cycle, unit=unit)
                except ValidationError as error:
                    messages.info(request, "Saved as a draft; it is not complete yet.")
                    retro = selectors.team_retrospective(organization, cycle, unit)
                    form = RetrospectiveForm(
                        initial=RetrospectiveForm.initial_from(retro), objectives=explain
                    )
                    form.is_bound = False
                    incomplete = [m for msgs in error.message_dict.values() for m in msgs]
                    return render(
                        request,
                        "reviews/retrospective.html",
                        _retro_context(request, retro, form, can_edit, incomplete),
                        status=UNPROCESSABLE,
                    )
                messages.success(request, f"{unit.name}’s retrospective is complete.")
                return redirect(url)
        status = UNPROCESSABLE
    else:
        form = RetrospectiveForm(initial=RetrospectiveForm.initial_from(retro), objectives=explain)
    return render(
        request,
        "reviews/retrospective.html",
        _retro_context(request, retro, form, can_edit, []),
        status=status,
    )


def _retro_context(request, retro, form, can_edit, incomplete) -> dict:
    return {
        "retro": retro,
        "cycle": retro.cycle,
        "unit": retro.unit,
        "form": form,
        "can_edit": can_edit,
        "incomplete": incomplete,
        "satisfaction_choices": dict(Review.Satisfaction.choices),
    }


@login_required
def department_review(request: HttpRequest, cycle_id, unit_id) -> HttpResponse:
    """A department's summary: every team's overview below it, up to 10 takeaways, notes."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    unit = org_selectors.unit_get(organization, unit_id)
    if unit.kind != Unit.Kind.DEPARTMENT:
        raise Http404("Department summaries are written by departments.")
    can_edit = Access(person).can_lead_unit(unit)
    summary = selectors.department_summary(organization, cycle, unit)
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(f"Only leads of {unit.name} and admins write its summary.")
        form = DepartmentReviewForm(request.POST)
        if form.is_valid():
            try:
                services.department_review_save(
                    actor=person,
                    cycle=cycle,
                    unit=unit,
                    answers=form.answers(),
                    notes=form.cleaned_data["notes"],
                    takeaways=form.takeaway_list(),
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{unit.name}’s summary saved.")
                return redirect("department_review", cycle_id=cycle.id, unit_id=unit.id)
        status = UNPROCESSABLE
    else:
        initial = {}
        if summary.review is not None:
            initial = DepartmentReviewForm.initial_answers(summary.review.answers)
            initial["notes"] = summary.review.notes
        initial["takeaways"] = "\n".join(t.text for t in summary.takeaways)
        form = DepartmentReviewForm(initial=initial)
    context = {
        "summary": summary,
        "cycle": cycle,
        "unit": unit,
        "form": form,
        "can_edit": can_edit,
        "satisfaction_choices": dict(Review.Satisfaction.choices),
    }
    return render(request, "reviews/department_review.html", context, status=status)


def _company_context(review: selectors.CompanyReview) -> dict:
    answers = review.review.answers if review.review else {}
    return {
        "company_review": review,
        "cycle": review.cycle,
        "answers": [(text, answers.get(qid, "")) for qid, text in review_questions.COMPANY],
        "satisfaction_choices": dict(Review.Satisfaction.choices),
    }


@login_required
def company_review(request: HttpRequest, cycle_id) -> HttpResponse:
    """The company-wide review: every team's overview by department, the company objectives'
    outcome and success rate, notes, closing summary and ideas for next cycle. Prints cleanly;
    ``?format=html`` downloads it as one self-contained HTML file."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    review = selectors.company_review(organization, cycle)
    if request.method == "GET" and request.GET.get("format") == "html":
        html = render_to_string("reviews/export_company.html", _company_context(review))
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.filename(cycle, "html")}"'
        )
        return response
    can_edit = person.is_admin
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("Only admins write the company-wide review.")
        form = CompanyReviewForm(request.POST)
        if form.is_valid():
            try:
                services.company_review_save(
                    actor=person,
                    cycle=cycle,
                    answers=form.answers(),
                    notes=form.cleaned_data["notes"],
                    summary=form.cleaned_data["summary"],
                    ideas=form.idea_list(),
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Company-wide review saved.")
                return redirect("company_review", cycle_id=cycle.id)
        status = UNPROCESSABLE
    else:
        initial = {}
        if review.review is not None:
            initial = CompanyReviewForm.initial_answers(review.review.answers)
            initial.update(notes=review.review.notes, summary=review.review.overview)
        initial["ideas"] = "\n".join(i.text for i in review.ideas)
        form = CompanyReviewForm(initial=initial)
    context = _company_context(review) | {"form": form, "can_edit": can_edit}
    return render(request, "reviews/company_review.html", context, status=status)


@login_required
def company_review_pdf(request: HttpRequest, cycle_id) -> HttpResponse:
    """The company-wide review as a PDF file."""
    organization = request.user.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    review = selectors.company_review(organization, cycle)
    response = HttpResponse(exports.company_review_pdf(review), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(cycle, "pdf")}"'
    return response


@login_required
def learnings(request: HttpRequest) -> HttpResponse:
    """The learnings archive: every team's learnings, department takeaways and company ideas,
    across cycles; search their text, filter by unit, cycle and kind."""
    organization = request.user.organization
    form = LearningSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    unit = query_object(request, "unit", org_selectors.unit_get, organization)
    cycle = query_object(request, "cycle", okr_selectors.cycle_get, organization)
    results = selectors.learnings_search(
        organization, q=data.get("q", ""), unit=unit, cycle=cycle, kind=data.get("kind", "")
    )
    page = Paginator(results, LEARNINGS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "units": [u for u, _ in UnitTree.load(organization).walk()],
        "cycles": okr_selectors.cycles_of(organization).order_by("-start"),
        "unit": unit,
        "selected_cycle": cycle,
        "query": params.urlencode(),
        "nav": "learnings",
    }
    return render(request, "reviews/learnings.html", context)


# --- Next cycle: carry forward ------------------------------------------------------------------


@login_required
def cycle_next(request: HttpRequest, cycle_id) -> HttpResponse:
    """Plan the next cycle from this one: pick (or, for admins, create) the next cycle, then
    carry objectives forward unit by unit. Units and memberships simply persist."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    choices = selectors.next_cycle_choices(organization, cycle)
    asked = query_object(request, "to", okr_selectors.cycle_get, organization)
    target = asked if asked in choices else (choices[0] if choices else None)
    form, status = None, 200
    if request.method == "POST":
        if not person.is_admin:
            raise PermissionDenied("Only organization admins create cycles.")
        form = CycleForm(request.POST)
        if form.is_valid():
            try:
                created = okr_services.cycle_create(actor=person, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{created.name} was created: carry objectives into it.")
                return redirect(f"{reverse('cycle_next', args=[cycle.id])}?to={created.id}")
        status = UNPROCESSABLE
    elif person.is_admin:
        same_kind = [c for c in okr_selectors.cycles_of(organization) if c.kind == cycle.kind]
        form = CycleForm(initial=_next_cycle_initial(same_kind, timezone.localdate()))
    plan = selectors.next_cycle_plan(organization, cycle, target)
    access = Access(person)
    for unit_plan in plan.units:
        unit_plan.can_edit = access.can_edit_unit(unit_plan.unit)
    context = {
        "cycle": cycle,
        "plan": plan,
        "choices": choices,
        "target": target,
        "form": form,
        "form_open": status == UNPROCESSABLE or not choices,
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "reviews/cycle_next.html", context, status=status)


@login_required
def objective_carry_forward(request: HttpRequest, objective_id) -> HttpResponse:
    """POST: carry one objective into the chosen next cycle, then back to the planning page."""
    organization = request.user.organization
    objective = okr_selectors.objective_get(organization, objective_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    target = okr_selectors.cycle_get(organization, request.POST.get("cycle"))
    try:
        carried = services.objective_carry_forward(
            actor=request.user, objective=objective, cycle=target
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"“{carried.title}” was carried forward into {target.name} as a new draft, "
            "linked to the old one.",
        )
    url = reverse("cycle_next", args=[objective.cycle_id])
    return redirect(f"{url}?to={target.id}#objective-{objective.id}")
