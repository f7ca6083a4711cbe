"""Retrospectives: a team's retrospective, a department's summary, the company-wide review (and
its HTML and PDF exports) and the learnings archive."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse

from cadence.core.forms import UNPROCESSABLE, submit
from cadence.core.htmx import query_object
from cadence.kpis import selectors as kpi_selectors
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Unit
from cadence.orgs.selectors import UnitTree
from cadence.retrospectives import exports, selectors, services
from cadence.retrospectives.forms import (
    CompanyReviewForm,
    DepartmentReviewForm,
    LearningSearchForm,
    RetrospectiveForm,
)
from cadence.reviews import questions as review_questions
from cadence.reviews.models import Review

LEARNINGS_PER_PAGE = 25


def _bound(request: HttpRequest):
    return request.POST if request.method == "POST" else None


@login_required
def team_retrospective(request: HttpRequest, cycle_id, unit_id) -> HttpResponse:
    """A team's end-of-cycle retrospective: its objectives' scores, the four question groups
    (the full team report), the short overview and its 3–6 learnings, and an explanation for
    each committed objective scored below 1.0. "Complete" saves, then completes."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.request_cycle(request, cycle_id)
    unit = org_selectors.unit_get(organization, unit_id)
    if unit.kind != Unit.Kind.TEAM:
        raise Http404("Retrospectives are written by teams.")
    if request.method == "POST":
        services.require_retrospective_writer(person, unit)
    retro = selectors.team_retrospective(organization, cycle, unit, viewer=request.user)
    explain = [o for o in retro.objectives if o.needs_explanation or o.explanation]
    initial = RetrospectiveForm.initial_from(retro)
    form = RetrospectiveForm(_bound(request), initial=initial, objectives=explain)
    done = submit(
        request,
        form,
        lambda _data: services.retrospective_save(
            actor=person, cycle=cycle, unit=unit, **form.values()
        ),
    )
    can_edit = services.can_write_retrospective(person, unit, org_selectors.Access.of(person))
    if not done.saved:
        context = _retro_context(retro, form, can_edit, [])
        return render(request, "retrospectives/retrospective.html", context, status=done.status)
    url = reverse("team_retrospective", args=[cycle.id, unit.id])
    if request.POST.get("action") != "complete":
        messages.success(request, "Retrospective saved as a draft.")
        return redirect(url)
    try:
        services.retrospective_complete(actor=person, cycle=cycle, unit=unit)
    except ValidationError as error:
        messages.info(request, "Saved as a draft; it is not complete yet.")
        retro = selectors.team_retrospective(organization, cycle, unit, viewer=request.user)
        form = RetrospectiveForm(initial=RetrospectiveForm.initial_from(retro), objectives=explain)
        incomplete = [m for msgs in error.message_dict.values() for m in msgs]
        context = _retro_context(retro, form, can_edit, incomplete)
        return render(request, "retrospectives/retrospective.html", context, status=UNPROCESSABLE)
    messages.success(request, f"{unit.name}’s retrospective is complete.")
    return redirect(url)


def _retro_context(retro, form, can_edit, incomplete) -> dict:
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
    cycle = okr_selectors.request_cycle(request, cycle_id)
    unit = org_selectors.unit_get(organization, unit_id)
    if unit.kind != Unit.Kind.DEPARTMENT:
        raise Http404("Department summaries are written by departments.")
    if request.method == "POST":
        services.require_department_review_writer(person, unit)
    summary = selectors.department_summary(
        organization, cycle, unit, viewer=request.user, tree=org_selectors.Access.of(person).tree
    )
    form = DepartmentReviewForm(_bound(request), initial=DepartmentReviewForm.initial_from(summary))
    done = submit(
        request,
        form,
        lambda _data: services.department_review_save(
            actor=person, cycle=cycle, unit=unit, **form.values()
        ),
    )
    if done.saved:
        messages.success(request, f"{unit.name}’s summary saved.")
        return redirect("department_review", cycle_id=cycle.id, unit_id=unit.id)
    context = {
        "summary": summary,
        "cycle": cycle,
        "unit": unit,
        "form": form,
        "can_edit": services.can_write_department_review(
            person, unit, org_selectors.Access.of(person)
        ),
        "satisfaction_choices": dict(Review.Satisfaction.choices),
    }
    return render(request, "retrospectives/department_review.html", context, status=done.status)


def _company_context(review: selectors.CompanyReview) -> dict:
    answers = review.review.answers if review.review else {}
    return {
        "company_review": review,
        "cycle": review.cycle,
        "answers": [(text, answers.get(qid, "")) for qid, text in review_questions.COMPANY],
        "satisfaction_choices": dict(Review.Satisfaction.choices),
    }


# The most KPIs the company review lists (the KPIs page has them all).
COMPANY_REVIEW_KPIS = 100


@login_required
def company_review(request: HttpRequest, cycle_id) -> HttpResponse:
    """The company-wide review: every team's overview by department, the company objectives'
    outcome and success rate, notes, closing summary and ideas for next cycle. Prints cleanly;
    ``?format=html`` downloads it as one self-contained HTML file."""
    person = request.user
    organization = person.organization
    cycle = okr_selectors.request_cycle(request, cycle_id)
    review = selectors.company_review(
        organization, cycle, viewer=request.user, tree=org_selectors.Access.of(request.user).tree
    )
    if request.method == "GET" and request.GET.get("format") == "html":
        html = render_to_string("retrospectives/export_company.html", _company_context(review))
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{exports.filename(cycle, "html")}"'
        )
        return response
    if request.method == "POST":
        services.require_company_review_writer(person)
    form = CompanyReviewForm(_bound(request), initial=CompanyReviewForm.initial_from(review))
    done = submit(
        request,
        form,
        lambda _data: services.company_review_save(actor=person, cycle=cycle, **form.values()),
    )
    if done.saved:
        messages.success(request, "Company-wide review saved.")
        return redirect("company_review", cycle_id=cycle.id)
    context = _company_context(review) | {
        "form": form,
        "can_edit": services.can_write_company_review(person),
        # Every KPI's status today, unhealthy first (the page only, not the exports).
        "kpis": kpi_selectors.kpi_rows(
            list(kpi_selectors.kpis_listed(organization)[:COMPANY_REVIEW_KPIS]),
            viewer=request.user,
        ),
    }
    return render(request, "retrospectives/company_review.html", context, status=done.status)


@login_required
def company_review_pdf(request: HttpRequest, cycle_id) -> HttpResponse:
    """The company-wide review as a PDF file."""
    organization = request.user.organization
    cycle = okr_selectors.cycle_get(organization, cycle_id)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    review = selectors.company_review(
        organization, cycle, viewer=request.user, tree=org_selectors.Access.of(request.user).tree
    )
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
    learned_in = query_object(request, "learned_in", okr_selectors.cycle_get, organization)
    results = selectors.learnings_search(
        organization, q=data.get("q", ""), unit=unit, cycle=learned_in, kind=data.get("kind", "")
    )
    page = Paginator(results, LEARNINGS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    # ``cycle`` is the header's chosen cycle: kept in every link of the page, but no filter.
    header_cycle = request.GET.get("cycle", "")
    context = {
        "form": form,
        "page": page,
        "units": [u for u, _ in UnitTree.load(organization).walk()],
        "cycles": okr_selectors.cycles_of(organization).order_by("-start"),
        "unit": unit,
        "selected_cycle": learned_in,
        "query": params.urlencode(),
        "filtered": any(params.get(k) for k in ("q", "unit", "learned_in", "kind")),
        "header_cycle": header_cycle,
        "nav": "learnings",
    }
    return render(request, "retrospectives/learnings.html", context)
