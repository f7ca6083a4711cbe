"""Scoring: forms of the results page (adjust a score, close the cycle, the grading scheme)."""

from django import forms

from cadence.core.limits import MAX_TEXT
from cadence.orgs.models import Organization


class ScoreAdjustForm(forms.Form):
    """A hand-adjusted score: 0.0 to 1.0 (one decimal; more is rounded half up by the service)
    and the reason, which the history keeps."""

    score = forms.CharField(
        label="New score",
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "0.7"}),
        help_text="0.0 to 1.0, one decimal.",
    )
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_TEXT,
        error_messages={"required": "Say why the score differs from the computed one."},
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CycleCloseForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand: scores are fixed and the cycle's OKRs become read-only.",
        error_messages={"required": "Tick the box to confirm you want to close the cycle."},
    )


class GradingSchemeForm(forms.Form):
    scheme = forms.ChoiceField(
        label="Show scores as",
        choices=Organization.GradingScheme.choices,
        widget=forms.RadioSelect,
    )
