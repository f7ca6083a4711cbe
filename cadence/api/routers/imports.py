"""/api/v1/imports/okrs: import objectives, key results and check-ins from a spreadsheet."""

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, File, Router, Schema, Status, UploadedFile

from cadence.api.auth import actor
from cadence.api.common import organization
from cadence.api.schemas import ERRORS
from cadence.core.limits import MAX_IMPORT_BYTES
from cadence.transfer import services
from cadence.transfer.okr_import import ImportFiles, Plan

router = Router(tags=["imports"])

MB = 1024 * 1024


class ImportCounts(Schema):
    objectives_created: int
    objectives_updated: int
    objectives_unchanged: int
    key_results_created: int
    key_results_updated: int
    key_results_unchanged: int
    check_ins_created: int
    check_ins_unchanged: int


class RowErrorOut(Schema):
    sheet: str
    row: int = 0
    column: str
    message: str


Action = Literal["create", "update", "unchanged"]


class PlannedKeyResult(Schema):
    row: int = Field(description="The OKRs sheet's row (the header is row 1).")
    title: str
    action: Action
    changes: list[str] = Field(description="The fields an update changes.")


class PlannedObjective(Schema):
    row: int = Field(description="The OKRs sheet's first row of the objective.")
    title: str
    action: Action
    changes: list[str] = Field(description="The fields an update changes.")
    key_results: list[PlannedKeyResult]


class ImportOut(Schema):
    dry_run: bool
    imported: bool
    counts: ImportCounts
    warnings: list[str]
    objectives: list[PlannedObjective]


class ImportRefusedOut(Schema):
    """The API's error shape; when the file was read but its rows have errors, also each row's
    errors and what the file would have done."""

    message: str
    errors: dict[str, list[str]] = {}
    rows: list[RowErrorOut] = []
    counts: ImportCounts | None = None
    warnings: list[str] = []


def _objectives(plan: Plan) -> list[dict]:
    return [
        {
            "row": o.row,
            "title": o.title,
            "action": o.action,
            "changes": sorted(o.changes),
            "key_results": [
                {"row": k.row, "title": k.title, "action": k.action, "changes": sorted(k.changes)}
                for k in o.key_results
            ],
        }
        for o in plan.objectives
    ]


def _refused(plan: Plan) -> Status:
    errors = plan.sorted_errors()
    n = len(errors)
    message = f"The file has {n} error{'s' if n != 1 else ''}: nothing was imported."
    return Status(
        422,
        {
            "message": message,
            "errors": {"file": [e.as_line() for e in errors]},
            "rows": [
                {"sheet": e.sheet, "row": e.row, "column": e.column, "message": e.message}
                for e in errors
            ],
            "counts": plan.counts(),
            "warnings": plan.warnings,
        },
    )


def _read(upload: UploadedFile | None, field: str) -> bytes | None:
    if upload is None:
        return None
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise ValidationError(
            {
                field: f"{upload.name} is {upload.size / MB:.1f} MB; an import takes files of "
                f"at most {MAX_IMPORT_BYTES // MB} MB."
            }
        )
    return upload.read()


@router.post(
    "/imports/okrs",
    response={200: ImportOut, **ERRORS, 422: ImportRefusedOut},
)
def import_okrs(
    request: HttpRequest,
    file: File[UploadedFile],
    checkins: File[UploadedFile] = None,
    dry_run: bool = True,
):
    """Import OKRs from a spreadsheet (multipart: `file`, an XLSX with an OKRs sheet and an
    optional Check-ins sheet, or a CSV of OKRs; `checkins`, an optional separate file of
    check-ins). With `dry_run=true` (the default) nothing is saved: the answer says what would be
    created, changed and left alone. With `dry_run=false` the whole file is imported, or nothing
    is: a 422 lists each row's errors (sheet, row, column, message). Admins, and leads for the
    units they lead."""
    person = actor(request)
    org = organization(request)
    files = ImportFiles(
        okr_name=file.name or "okrs",
        okr_data=_read(file, "file"),
        check_in_name=(checkins.name or "check-ins") if checkins is not None else "",
        check_in_data=_read(checkins, "checkins"),
    )
    plan = services.okr_import_dry_run(actor=person, organization=org, files=files)
    if plan.errors:
        return _refused(plan)
    imported = False
    if not dry_run and plan.changes_anything:
        try:
            plan = services.okr_import_apply(actor=person, organization=org, plan=plan)
        except services.ImportRefused as refused:
            return _refused(refused.plan)
        imported = True
    return Status(
        200,
        {
            "dry_run": dry_run,
            "imported": imported,
            "counts": plan.counts(),
            "warnings": plan.warnings,
            "objectives": _objectives(plan),
        },
    )
