"""Forms of the coach app."""

from django import forms
from django.core.exceptions import ValidationError

from cadence.coach import checks as coach_checks
from cadence.core.limits import MAX_DISMISS_REASON, MAX_LONG_TEXT, MAX_SHORT_TEXT, MAX_TEXT
from cadence.okrs.forms import NumberField
from cadence.okrs.models import KeyResult, Objective

# --- Live checks, findings, settings, quality ---------------------------------------------


def _number_or_none(value: str | None) -> float | None:
    """A live check reads numbers as typed: blank or not a number yet is None."""
    try:
        number = float((value or "").strip().replace("\u2212", "-"))
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


class LiveCheckForm(forms.Form):
    """What the live check reads from a key result or objective form as it is typed. Anything
    unreadable counts as not given: the coach advises, it never refuses input here."""

    subject = forms.ChoiceField(
        choices=[(coach_checks.KEY_RESULT, "key result"), (coach_checks.OBJECTIVE, "objective")],
        required=False,
    )
    title = forms.CharField(required=False, max_length=MAX_SHORT_TEXT, strip=True)
    kind = forms.CharField(required=False, max_length=20)
    start = forms.CharField(required=False, max_length=50)
    target = forms.CharField(required=False, max_length=50)
    unit = forms.CharField(required=False, max_length=50)
    why = forms.CharField(required=False, max_length=MAX_LONG_TEXT)

    def values(self) -> dict:
        """The check's arguments; call after is_valid() (invalid parts are dropped)."""
        data = getattr(self, "cleaned_data", {})
        kind = data.get("kind") or "metric"
        return {
            "subject": data.get("subject") or coach_checks.KEY_RESULT,
            "title": data.get("title") or "",
            "kind": kind if kind in ("metric", "threshold", "milestone") else "metric",
            "start": _number_or_none(data.get("start")),
            "target": _number_or_none(data.get("target")),
            "unit": (data.get("unit") or "")[:30],
            "why": data.get("why") or "",
        }


class DismissForm(forms.Form):
    check_id = forms.CharField(max_length=40)
    reason = forms.CharField(
        label="Why does this not apply here?",
        max_length=MAX_DISMISS_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why this does not apply here."},
    )
    objective = forms.UUIDField(required=False)
    key_result = forms.UUIDField(required=False)
    unit = forms.UUIDField(required=False)
    cycle = forms.UUIDField(required=False)


LEVEL_CHOICES = [
    (coach_checks.ERROR, "Needs fixing (blocks saving)"),
    (coach_checks.WARN, "Warning"),
    (coach_checks.INFO, "Advice"),
]


class CheckSettingsForm(forms.Form):
    """One row per check: switched on, and at which level."""

    def __init__(self, *args, entries, **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            cid = entry.check.id
            self.fields[f"enabled__{cid}"] = forms.BooleanField(
                label="On", required=False, initial=entry.enabled
            )
            self.fields[f"level__{cid}"] = forms.ChoiceField(
                label="Level", choices=LEVEL_CHOICES, initial=entry.level
            )

    def rows(self):
        for entry in self.entries:
            cid = entry.check.id
            yield entry, self[f"enabled__{cid}"], self[f"level__{cid}"]

    def changes(self) -> list[tuple[str, bool, str]]:
        """(check id, enabled, level) for every row that differs from the stored setting."""
        out = []
        for entry in self.entries:
            cid = entry.check.id
            enabled = self.cleaned_data[f"enabled__{cid}"]
            level = self.cleaned_data[f"level__{cid}"]
            if enabled != entry.enabled or level != entry.level:
                out.append((cid, enabled, level))
        return out


# --- The OKR wizard ------------------------------------------------------------------------

WIZARD_ROWS = 5


class WizardObjectiveForm(forms.Form):
    """The objective of the wizard's draft: the example's text, adapted."""

    title = forms.CharField(label="Title", max_length=200, min_length=3)
    why = forms.CharField(
        label="Why",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What problem it solves for your team, and why now.",
    )
    commitment = forms.ChoiceField(
        label="Commitment",
        choices=Objective.Commitment.choices,
        initial=Objective.Commitment.COMMITTED,
        widget=forms.RadioSelect,
        help_text="Committed: we will get to 100%. Aspirational: 70% is a success.",
    )
    parent = forms.ModelChoiceField(
        label="Aligns to",
        queryset=None,
        required=False,
        empty_label="— Nothing above it: it stands alone —",
        help_text="The company or department objective this one moves.",
    )
    standalone_reason = forms.CharField(
        label="Why it stands alone",
        required=False,
        max_length=MAX_SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only if it aligns to nothing: say why, so others understand.",
    )

    def __init__(self, *args, parents, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = lambda o: f"{o.title} — {o.unit.name}"
        # The draft's key result rows (WizardKeyResultFormSet): valid only together.
        self.rows = rows

    def clean(self):
        data = super().clean()
        if data.get("parent") is not None:
            data["standalone_reason"] = ""
        return data

    def is_valid(self) -> bool:
        """The objective and every key result row (both validated, so both show their
        errors)."""
        objective_valid = super().is_valid()
        rows_valid = self.rows is None or self.rows.is_valid()
        return objective_valid and rows_valid

    def key_results(self) -> list[dict]:
        """The rows as ``coach.services.wizard_draft_create`` takes them."""
        return [row.row() for row in self.rows] if self.rows is not None else []

    def rows_take(self, error: ValidationError) -> ValidationError:
        """Put the service's errors about a row (``key_results-<row>-<field>``) at that row's
        field; return the rest, for the objective form (``core.forms.submit`` places them)."""
        if not hasattr(error, "error_dict") or self.rows is None:
            return error
        rest: dict = {}
        for key, errors in error.error_dict.items():
            parts = key.split("-")
            if len(parts) == 3 and parts[0] == "key_results" and parts[1].isdigit():
                index, field = int(parts[1]), parts[2]
                if index < len(self.rows.forms):
                    row = self.rows.forms[index]
                    prefix = f"Key result {index + 1}: "  # redundant inside its own row
                    for e in errors:
                        row.add_error(
                            field if field in row.fields else None,
                            [m.removeprefix(prefix) for m in e.messages],
                        )
                    continue
            rest[key] = errors
        return ValidationError(rest)


class WizardKeyResultForm(forms.Form):
    """One key result row. A row left blank is ignored."""

    title = forms.CharField(label="Key result", max_length=200, required=False)
    kind = forms.ChoiceField(
        label="Kind",
        choices=[
            (KeyResult.Kind.METRIC, "Metric"),
            (KeyResult.Kind.THRESHOLD, "Threshold"),
            (KeyResult.Kind.MILESTONE, "Milestone"),
        ],
        initial=KeyResult.Kind.METRIC,
    )
    start = NumberField(label="Start", required=False)
    target = NumberField(label="Target", required=False)
    unit = forms.CharField(label="Unit", required=False, max_length=30)
    direction = forms.ChoiceField(
        label="For a threshold, the value must stay",
        choices=[
            (KeyResult.Direction.AT_LEAST, "At or above the target"),
            (KeyResult.Direction.AT_MOST, "At or below the target"),
        ],
        required=False,
        initial=KeyResult.Direction.AT_LEAST,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A whole row is optional (a blank one is skipped), not each field: no "(optional)".
        for field in self.fields.values():
            field.show_optional = False

    def clean(self):
        data = super().clean()
        title = (data.get("title") or "").strip()
        has_values = any(data.get(n) not in (None, "") for n in ("start", "target", "unit"))
        if not title and has_values:
            self.add_error("title", "Give this key result a title, or clear the row.")
        elif title and len(title) < 3:
            self.add_error("title", "Ensure this value has at least 3 characters.")
        if data.get("kind") != KeyResult.Kind.THRESHOLD:
            data["direction"] = ""
        return data

    def row(self) -> dict:
        """The row as the wizard service takes it (blank rows too: the service skips them)."""
        data = self.cleaned_data
        return {name: data.get(name) for name in ("title", "kind", "start", "target", "unit")} | {
            "direction": data.get("direction") or ""
        }


WizardKeyResultFormSet = forms.formset_factory(
    WizardKeyResultForm, extra=0, min_num=WIZARD_ROWS, max_num=WIZARD_ROWS, validate_max=True
)
