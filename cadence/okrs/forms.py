"""Forms for the OKR pages. They parse and check the shape of input (numbers are finite, text
fits); services decide everything else and their ValidationErrors land on the same fields."""

import math

from django import forms
from django.core.exceptions import ValidationError

from cadence.core.limits import (
    FIRST_DATE,
    LAST_DATE,
    MAX_SHORT_TEXT,
    MAX_TEXT,
    MAX_WEIGHT,
    MIN_WEIGHT,
)
from cadence.core.validators import parse_number, validate_date_in_range, validate_finite
from cadence.okrs.models import Cycle, KeyResult, Objective

NOT_FINITE = "Enter a finite number (not NaN or infinity)."


class NumberField(forms.FloatField):
    """A float that must be finite and within ±10^15, with messages people understand. Typed
    with ASCII digits: "1_000" or another script's digits are refused, not read as 1000."""

    default_error_messages = {"invalid": "Enter a number, such as 42 or 3.5."}

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str):
            try:
                return parse_number(value)
            except ValueError as exc:
                if value.strip().lstrip("+-").lower() in ("nan", "inf", "infinity"):
                    raise ValidationError(NOT_FINITE, code="not_finite") from exc
                raise ValidationError(self.error_messages["invalid"], code="invalid") from exc
        return super().to_python(value)

    def validate(self, value):
        if value is not None and not math.isfinite(value):
            raise ValidationError(NOT_FINITE, code="not_finite")
        super().validate(value)
        validate_finite(value)

    def prepare_value(self, value):
        """45.0 is shown as 45."""
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A text input with inputmode: the server explains what is wrong rather than the
        # browser silently refusing to submit.
        for key in ("step", "min", "max"):
            attrs.pop(key, None)
        return attrs


class CheckInForm(forms.Form):
    LAYOUTS = ("row", "card", "page")

    value = NumberField(label="New value")
    confidence = forms.ChoiceField(
        label="Confidence",
        choices=KeyResult.Confidence.choices,
        widget=forms.RadioSelect,
        initial=KeyResult.Confidence.ON_TRACK,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=MAX_TEXT,
        help_text="Optional: what moved it, or what is in the way.",
    )
    layout = forms.ChoiceField(
        choices=[(v, v) for v in LAYOUTS], required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, key_result: KeyResult, **kwargs):
        kwargs.setdefault("auto_id", f"checkin-{key_result.id}-%s")
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        if key_result.kind == KeyResult.Kind.MILESTONE:
            self.fields["value"] = forms.TypedChoiceField(
                label="Status",
                choices=[("1", "Done"), ("0", "Not done yet")],
                coerce=float,
                widget=forms.RadioSelect,
            )
        elif key_result.unit:
            self.fields["value"].label = f"New value ({key_result.unit})"
        if key_result.confidence and not self.is_bound:
            self.initial.setdefault("confidence", key_result.confidence)
        value_widget = self.fields["value"].widget
        value_widget.attrs.update({"autofocus": True, "autocomplete": "off"})

    def clean_layout(self):
        return self.cleaned_data.get("layout") or "row"


def parent_label(objective: Objective) -> str:
    """How an objective to align to is named in a choice: title, unit, cycle."""
    return f"{objective.title} — {objective.unit.name}, {objective.cycle.name}"


class ObjectiveWordsForm(forms.Form):
    """What every objective says: its title, why, and commitment."""

    title = forms.CharField(label="Title", max_length=200, min_length=3)
    why = forms.CharField(
        label="Why",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What problem it solves, and why now.",
    )
    commitment = forms.ChoiceField(
        label="Commitment",
        choices=Objective.Commitment.choices,
        initial=Objective.Commitment.COMMITTED,
        widget=forms.RadioSelect,
        help_text="Committed: we will get to 100%. Aspirational: 70% is a success.",
    )


class ObjectiveForm(ObjectiveWordsForm):
    unit = forms.ModelChoiceField(label="Unit", queryset=None, empty_label=None)
    parent = forms.ModelChoiceField(
        label="Aligns to",
        queryset=None,
        required=False,
        empty_label="— Not aligned to a higher objective —",
    )
    standalone_reason = forms.CharField(
        label="Why it stands alone (if it aligns to nothing)",
        required=False,
        max_length=MAX_SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="A team objective aligns to a higher one, or says here why it does not.",
    )
    owner = forms.ModelChoiceField(
        label="Accountable person", queryset=None, required=False, empty_label="— Nobody yet —"
    )
    visibility = forms.ChoiceField(
        label="Who may see it",
        choices=Objective.Visibility.choices,
        initial=Objective.Visibility.ORGANIZATION,
        required=False,  # left out: open to the organization (the default)
        widget=forms.RadioSelect,
        help_text="Open to everyone is the rule: OKRs work when everyone can see them. Keep an "
        "objective to its team only when it must be (a reorganisation, a sensitive hire); its "
        "key results, check-ins, comments and linked weekly items stay with it.",
    )

    def clean_visibility(self) -> str:
        return self.cleaned_data.get("visibility") or Objective.Visibility.ORGANIZATION

    def __init__(self, *args, units, parents, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].label_from_instance = lambda u: f"{u.name} ({u.get_kind_display()})"
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = parent_label
        self.fields["owner"].queryset = people


class PersonalObjectiveForm(ObjectiveWordsForm):
    """One person's own development objective (created on their page, edited on its own)."""

    parent = forms.ModelChoiceField(
        label="Supports a team objective (optional)",
        queryset=None,
        required=False,
        empty_label="— Stands on its own —",
    )
    counts_in_parent = forms.BooleanField(
        label="Count its progress in that objective's",
        required=False,
        help_text="Left unticked, the team objective's progress is its own; yours stays yours.",
    )
    visibility = forms.ChoiceField(
        label="Who may see it",
        choices=[
            (Objective.Visibility.UNIT, "You, your leads and admins"),
            (Objective.Visibility.ORGANIZATION, "Everyone in the organization"),
        ],
        initial=Objective.Visibility.UNIT,
        widget=forms.RadioSelect,
        help_text="Personal objectives are for your growth, never for scoring anyone.",
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["why"].help_text = "What you want to grow in, and why now."
        commitment = self.fields["commitment"]
        commitment.initial = Objective.Commitment.ASPIRATIONAL
        commitment.help_text = "Committed: you will get to 100%. Aspirational: 70% is a success."
        self.fields["parent"].queryset = parents
        self.fields["parent"].label_from_instance = parent_label

    def clean(self):
        data = super().clean()
        if data.get("counts_in_parent") and not data.get("parent"):
            self.add_error("counts_in_parent", "Choose the team objective it supports first.")
        return data


class ObjectiveCreateForm(ObjectiveForm):
    NEW_STATES = [
        (Objective.State.DRAFT, "Draft"),
        (Objective.State.PROPOSED, "Proposed"),
        (Objective.State.APPROVED, "Approved"),
    ]

    cycle = forms.ModelChoiceField(label="Cycle", queryset=None, empty_label=None)
    state = forms.ChoiceField(label="Start as", choices=NEW_STATES, initial=Objective.State.DRAFT)

    field_order = [
        "title",
        "why",
        "cycle",
        "unit",
        "parent",
        "standalone_reason",
        "commitment",
        "owner",
        "state",
    ]

    def __init__(self, *args, cycles, may_approve: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles
        if not may_approve:
            # Only organization admins start an objective as approved; everyone else starts a
            # draft (proposing needs key results, which come next).
            del self.fields["state"]


class KeyResultForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, min_length=3)
    kind = forms.ChoiceField(
        label="Kind",
        choices=[
            (KeyResult.Kind.METRIC, "Metric — from a start value to a target"),
            (KeyResult.Kind.THRESHOLD, "Threshold — keep a value above or below a bound"),
            (KeyResult.Kind.MILESTONE, "Milestone — done or not done"),
        ],
        initial=KeyResult.Kind.METRIC,
        widget=forms.RadioSelect,
    )
    start = NumberField(
        label="Start value", required=False, help_text="Where it stands at the start of the cycle."
    )
    target = NumberField(
        label="Target", required=False, help_text="For a threshold: the bound to hold."
    )
    unit = forms.CharField(
        label="Unit", required=False, max_length=30, help_text="%, $, tickets, minutes…"
    )
    direction = forms.ChoiceField(
        label="The value must stay",
        choices=[
            (KeyResult.Direction.AT_LEAST, "At or above the bound"),
            (KeyResult.Direction.AT_MOST, "At or below the bound"),
        ],
        required=False,
        initial=KeyResult.Direction.AT_LEAST,
    )
    weight = NumberField(
        label="Weight",
        required=False,
        initial=1,
        help_text="How much it counts in the objective's progress (default 1).",
    )
    owner = forms.ModelChoiceField(
        label="Owner", queryset=None, required=False, empty_label="— Nobody yet —"
    )
    commitment = forms.ChoiceField(
        label="Commitment",
        choices=[("", "Same as the objective"), *Objective.Commitment.choices],
        required=False,
    )

    def __init__(self, *args, people, ask_reason: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
        if ask_reason:
            # The objective is approved: a change of start or target needs a reason.
            self.fields["reason"] = forms.CharField(
                label="Why does the target change?",
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="Needed only if you change the start or target: the objective is "
                "approved, so its targets are a commitment and the change is kept in the "
                "target history.",
            )
            self.fields["reason"].show_optional = False
        # Needed for metrics and thresholds (the service says so), not for milestones, which
        # hide them: not labelled "optional".
        self.fields["target"].show_optional = False
        self.fields["direction"].show_optional = False

    def clean_weight(self):
        weight = self.cleaned_data.get("weight")
        if weight is None:
            return 1.0
        if weight <= 0:
            raise ValidationError("The weight must be greater than 0.", code="min_value")
        if weight < MIN_WEIGHT:
            raise ValidationError(f"The weight must be {MIN_WEIGHT:g} or more.", code="min_value")
        if weight > MAX_WEIGHT:
            raise ValidationError(f"Keep the weight at {MAX_WEIGHT:g} or less.", code="max_value")
        return weight

    def clean(self):
        data = super().clean()
        # Start equal to target, a missing target and the like are the service's rules; its
        # ValidationError lands on these fields.
        if data.get("kind") != KeyResult.Kind.THRESHOLD:
            data["direction"] = ""
        return data


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()},
        format="%Y-%m-%d",
    )


class CycleForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="For example “Q1 2027”.")
    kind = forms.ChoiceField(label="Kind", choices=Cycle.Kind.choices, initial=Cycle.Kind.QUARTER)
    start = forms.DateField(
        label="First day", widget=_date_input(), validators=[validate_date_in_range]
    )
    end = forms.DateField(
        label="Last day", widget=_date_input(), validators=[validate_date_in_range]
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "The cycle must end after it starts.")
        return data


class ObjectiveStateForm(forms.Form):
    state = forms.ChoiceField(label="New state", choices=Objective.State.choices)
    reason = forms.CharField(
        label="Why is it abandoned?",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
