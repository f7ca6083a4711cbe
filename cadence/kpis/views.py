"""The KPI pages: the organization's KPIs, one KPI (chart, history, a value to add), creating,
editing and archiving one, and drafting its recovery objective."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.core.forms import submit
from cadence.kpis import bands, charts, hooks, selectors, services
from cadence.kpis.forms import KpiForm, KpiValueForm
from cadence.okrs import pages as okr_pages
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.forms import ObjectiveCreateForm
from cadence.orgs import selectors as org_selectors
from cadence.orgs.selectors import Access, UnitTree

# The most KPIs the organization's list shows (the API pages through all of them).
LIST_CAP = 300


@login_required
def kpi_list(request: HttpRequest) -> HttpResponse:
    organization = request.user.organization
    kpis = list(selectors.kpis_listed(organization)[:LIST_CAP])
    return render(
        request,
        "kpis/list.html",
        {
            "nav": "kpis",
            "rows": selectors.kpi_rows(kpis, viewer=request.user),
            "capped": len(kpis) >= LIST_CAP,
        },
    )


@login_required
def kpi_create(request: HttpRequest, unit_id) -> HttpResponse:
    person = request.user
    unit = org_selectors.unit_get(person.organization, unit_id)
    if not services.can_enter_values(person, unit):
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")
    form = KpiForm(
        request.POST if request.method == "POST" else None,
        people=okr_pages.people(person),
        initial={"owner": person.id},
    )
    done = submit(request, form, lambda data: services.kpi_create(actor=person, unit=unit, **data))
    if done.saved:
        messages.success(request, "KPI created. Enter its latest value.")
        return redirect("kpi_detail", kpi_id=done.result.id)
    return render(request, "kpis/form.html", {"form": form, "unit": unit}, status=done.status)


@login_required
def kpi_detail(request: HttpRequest, kpi_id) -> HttpResponse:
    person = request.user
    kpi = selectors.kpi_get(person.organization, kpi_id, viewer=person)
    access = Access(person, UnitTree.load(person.organization))
    form = KpiValueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not services.can_enter_values(person, kpi.unit, access):
            raise PermissionDenied(
                f"Only members of {kpi.unit.name}, its leads and admins may do this."
            )
        done = submit(
            request, form, lambda data: services.kpi_value_add(actor=person, kpi=kpi, **data)
        )
        if done.saved:
            messages.success(request, "Value added.")
            return redirect("kpi_detail", kpi_id=kpi.id)
        status = done.status
    else:
        status = 200
    values = selectors.kpi_values_latest(kpi)
    chart = charts.kpi_chart(
        values=[(v.at, v.value) for v in values],
        low=kpi.band_min,
        high=kpi.band_max,
        name=kpi.name,
        unit=kpi.unit_of_measure,
    )
    context = {
        "kpi": kpi,
        "band": bands.band_text(kpi.band_min, kpi.band_max, kpi.unit_of_measure),
        "status_label": bands.STATUS_LABELS[kpi.status],
        "chart": chart,
        # Newest first, each with whether it was inside the band.
        "history": [
            (v, bands.is_healthy(v.value, kpi.band_min, kpi.band_max)) for v in reversed(values)
        ],
        "crossings": list(selectors.kpi_crossings(kpi)[:20]),
        "form": form,
        "can_enter": services.can_enter_values(person, kpi.unit, access),
        "can_manage": services.can_manage(person, kpi.unit, access),
        "today": timezone.localdate(),
        # Where its values come from when a data source keeps them (integrations answers).
        "data_source": hooks.kpi_data_source(kpi),
    }
    return render(request, "kpis/detail.html", context, status=status)


@login_required
def kpi_edit(request: HttpRequest, kpi_id) -> HttpResponse:
    person = request.user
    kpi = selectors.kpi_get(person.organization, kpi_id, viewer=person)
    if not services.can_manage(person, kpi.unit):
        raise PermissionDenied(f"Only the leads of {kpi.unit.name} and admins may do this.")
    form = KpiForm(
        request.POST if request.method == "POST" else None,
        people=okr_pages.people(person),
        initial={
            "name": kpi.name,
            "unit_of_measure": kpi.unit_of_measure,
            "band_min": kpi.band_min,
            "band_max": kpi.band_max,
            "frequency": kpi.frequency,
            "owner": kpi.owner_id,
        },
    )
    done = submit(request, form, lambda data: services.kpi_update(actor=person, kpi=kpi, **data))
    if done.saved:
        messages.success(request, "KPI saved.")
        return redirect("kpi_detail", kpi_id=kpi.id)
    context = {"form": form, "unit": kpi.unit, "kpi": kpi}
    return render(request, "kpis/form.html", context, status=done.status)


@login_required
def kpi_archive(request: HttpRequest, kpi_id) -> HttpResponse:
    """POST: archive the KPI, or restore it when it is archived."""
    person = request.user
    kpi = selectors.kpi_get(person.organization, kpi_id, viewer=person)
    if not services.can_manage(person, kpi.unit):
        raise PermissionDenied(f"Only the leads of {kpi.unit.name} and admins may do this.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        if kpi.is_archived:
            services.kpi_restore(actor=person, kpi=kpi)
            messages.success(request, f"{kpi.name} is watched again.")
        else:
            services.kpi_archive(actor=person, kpi=kpi)
            messages.success(request, f"{kpi.name} is archived: its values are kept.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("kpi_detail", kpi_id=kpi.id)


@login_required
def kpi_recovery(request: HttpRequest, kpi_id) -> HttpResponse:
    """The objective form, prefilled to bring the KPI back into its band: nothing is created
    until the lead submits it (as a draft, linked to the KPI)."""
    person = request.user
    organization = person.organization
    kpi = selectors.kpi_get(organization, kpi_id, viewer=request.user)
    if not services.can_manage(person, kpi.unit):
        raise PermissionDenied(f"Only the leads of {kpi.unit.name} and admins may do this.")
    cycle = okr_selectors.cycle_current(organization)
    if cycle is None:
        messages.info(request, "Create a cycle first: objectives belong to a cycle.")
        return redirect("cycles")
    access = Access(person, UnitTree.load(organization))
    editable = access.editable_unit_ids()
    band = bands.band_text(kpi.band_min, kpi.band_max, kpi.unit_of_measure)
    why = f"{kpi.name} is outside its healthy band ({band})"
    if kpi.current_value is not None:
        why += f": {kpi.current_value:g}{' ' + kpi.unit_of_measure if kpi.unit_of_measure else ''}"
        why += f" on {kpi.current_at:%-d %b %Y}"
    form = ObjectiveCreateForm(
        request.POST if request.method == "POST" else None,
        cycles=okr_selectors.cycles_of(organization).filter(closed_at__isnull=True),
        may_approve=False,
        units=org_selectors.active_units_of(organization)
        .filter(id__in=editable)
        .order_by("kind", "name"),
        parents=okr_selectors.objectives_for_parent_choice(organization, cycle, viewer=person),
        people=okr_pages.people(person),
        initial={
            "title": bands.recovery_title(
                kpi.name, kpi.band_min, kpi.band_max, kpi.unit_of_measure
            ),
            "why": why + ".",
            "cycle": cycle.id,
            "unit": kpi.unit_id,
            "owner": person.id,
        },
    )
    done = submit(
        request, form, lambda data: services.kpi_recovery_create(actor=person, kpi=kpi, **data)
    )
    if done.saved:
        messages.success(
            request, "Recovery objective drafted and linked to the KPI. Now add its key results."
        )
        return redirect("key_result_create", objective_id=done.result.id)
    context = {"form": form, "kpi": kpi, "band": band}
    return render(request, "kpis/recovery.html", context, status=done.status)


def unit_kpis_url(unit) -> str:
    return reverse("unit_detail", args=[unit.id]) + "#kpis"
