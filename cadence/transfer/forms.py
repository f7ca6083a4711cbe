"""The import page's forms."""

from django import forms

from cadence.core.limits import MAX_IMPORT_BYTES, MAX_IMPORT_CHECK_IN_ROWS, MAX_IMPORT_OKR_ROWS

MB = 1024 * 1024


class ImportUploadForm(forms.Form):
    okr_file = forms.FileField(
        label="OKRs (XLSX or CSV)",
        help_text=f"One row per key result; at most {MAX_IMPORT_OKR_ROWS:,} rows and "
        f"{MAX_IMPORT_BYTES // MB} MB. A workbook may hold the check-ins too, on a sheet called "
        "Check-ins.",
    )
    check_in_file = forms.FileField(
        label="Check-in history (CSV or XLSX)",
        required=False,
        help_text=f"One row per check-in, at most {MAX_IMPORT_CHECK_IN_ROWS:,}.",
    )

    def clean(self):
        data = super().clean()
        for name in ("okr_file", "check_in_file"):
            upload = data.get(name)
            if upload is not None and upload.size > MAX_IMPORT_BYTES:
                self.add_error(
                    name,
                    f"{upload.name} is {upload.size / MB:.1f} MB; an import takes files of at "
                    f"most {MAX_IMPORT_BYTES // MB} MB.",
                )
        return data


class ImportConfirmForm(forms.Form):
    pending = forms.UUIDField(widget=forms.HiddenInput)
