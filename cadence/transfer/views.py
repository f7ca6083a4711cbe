"""The OKR import's pages: upload, the dry run's preview, the confirmation; the template."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from cadence.core.forms import UNPROCESSABLE, add_service_error
from cadence.transfer import okr_template, selectors, services
from cadence.transfer.forms import ImportConfirmForm, ImportUploadForm
from cadence.transfer.okr_import import ImportFiles, Plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PREVIEW_OBJECTIVES = 300  # objectives listed on the preview (the counts cover them all)
PREVIEW_ERRORS = 500  # errors listed on the preview (the heading counts them all)


def _importer(request: HttpRequest):
    person = request.user
    if not selectors.can_import(person):
        raise PermissionDenied("Only admins and the leads of units import OKRs.")
    return person


def _files(form: ImportUploadForm) -> ImportFiles:
    okr = form.cleaned_data["okr_file"]
    check_ins = form.cleaned_data.get("check_in_file")
    return ImportFiles(
        okr_name=okr.name,
        okr_data=okr.read(),
        check_in_name=check_ins.name if check_ins else "",
        check_in_data=check_ins.read() if check_ins else None,
    )


def _preview(request, plan: Plan, pending, status: int = 200) -> HttpResponse:
    counts = plan.counts()
    errors = plan.sorted_errors()
    changing = counts["objectives_created"] + counts["objectives_updated"]
    changing_krs = counts["key_results_created"] + counts["key_results_updated"]
    return render(
        request,
        "transfer/import_okrs_preview.html",
        {
            "nav": "settings",
            "plan": plan,
            "counts": counts,
            "errors": errors[:PREVIEW_ERRORS],
            "error_count": len(errors),
            "more_errors": max(0, len(errors) - PREVIEW_ERRORS),
            "objectives": plan.objectives[:PREVIEW_OBJECTIVES],
            "more": max(0, len(plan.objectives) - PREVIEW_OBJECTIVES),
            "changing": changing,
            "changing_krs": changing_krs,
            "confirm": ImportConfirmForm(initial={"pending": pending.pk}) if pending else None,
        },
        status=status,
    )


@login_required
def import_okrs(request: HttpRequest) -> HttpResponse:
    """Upload a spreadsheet, see what it would do (a dry run: nothing is saved), confirm."""
    person = _importer(request)
    organization = person.organization
    action = request.POST.get("action", "") if request.method == "POST" else ""
    upload = ImportUploadForm(
        request.POST if action == "preview" else None,
        request.FILES if action == "preview" else None,
    )
    context = {"nav": "settings", "upload": upload}
    if action == "preview":
        if not upload.is_valid():
            return render(request, "transfer/import_okrs.html", context, status=UNPROCESSABLE)
        files = _files(upload)
        try:
            plan = services.okr_import_dry_run(actor=person, organization=organization, files=files)
        except ValidationError as error:
            add_service_error(upload, error)
            return render(request, "transfer/import_okrs.html", context, status=UNPROCESSABLE)
        pending = None
        if not plan.errors and plan.changes_anything:
            pending = services.pending_import_create(
                actor=person, organization=organization, files=files
            )
        return _preview(request, plan, pending, status=UNPROCESSABLE if plan.errors else 200)
    if action == "confirm":
        confirm = ImportConfirmForm(request.POST)
        if not confirm.is_valid():
            messages.error(request, "That upload has expired: upload the file again.")
            return redirect("import_okrs")
        pending = selectors.pending_import_get(
            organization, person, confirm.cleaned_data["pending"]
        )
        try:
            plan = services.pending_import_apply(
                actor=person, organization=organization, pending=pending
            )
        except services.ImportRefused as refused:
            # The organization changed since the preview: show what now stands in the way.
            return _preview(request, refused.plan, None, status=UNPROCESSABLE)
        except ValidationError as error:
            add_service_error(upload, error)
            return render(request, "transfer/import_okrs.html", context, status=UNPROCESSABLE)
        counts = plan.counts()
        messages.success(
            request,
            f"Imported: {counts['objectives_created']} objectives created and "
            f"{counts['objectives_updated']} changed, {counts['key_results_created']} key "
            f"results created and {counts['key_results_updated']} changed, "
            f"{counts['check_ins_created']} check-ins added.",
        )
        if plan.objectives:
            # The first objective's unit, in its cycle: where the imported objectives show.
            first = plan.objectives[0]
            return redirect(
                reverse("unit_detail", args=[first.unit.pk]) + f"?cycle={first.cycle.pk}"
            )
        return redirect("import_okrs")
    return render(request, "transfer/import_okrs.html", context)


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def import_okrs_template_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(okr_template.template_xlsx(), "cadence-okrs-template.xlsx", XLSX)


@login_required
@require_GET
def import_okrs_template_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        okr_template.template_okrs_csv(), "cadence-okrs-template.csv", "text/csv; charset=utf-8"
    )


@login_required
@require_GET
def import_check_ins_template_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        okr_template.template_check_ins_csv(),
        "cadence-check-ins-template.csv",
        "text/csv; charset=utf-8",
    )
