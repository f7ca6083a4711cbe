"""Reviews: forms of the monthly and mid-cycle review pages."""

from django import forms

from cadence.core.limits import MAX_NOTES, MAX_TEXT
from cadence.okrs.forms import NumberField
from cadence.reviews.questions import MAX_ANSWER


class PeriodicReviewForm(forms.Form):
    """A monthly or mid-cycle review: one text answer per question of its kind, and notes.
    Field names are the question ids (``answers`` in the service)."""

    notes = forms.CharField(
        label="Notes",
        max_length=MAX_NOTES,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Decisions, owners and follow-ups from the meeting.",
    )

    def __init__(self, *args, question_list, **kwargs):
        super().__init__(*args, **kwargs)
        notes = self.fields.pop("notes")
        for question_id, text in question_list:
            self.fields[question_id] = forms.CharField(
                label=text,
                max_length=MAX_ANSWER,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            self.fields[question_id].show_optional = False
        self.fields["notes"] = notes
        self.question_ids = [q for q, _ in question_list]

    def answers(self) -> dict:
        return {q: self.cleaned_data.get(q, "") for q in self.question_ids}


class TargetChangeForm(forms.Form):
    key_result = forms.UUIDField(widget=forms.HiddenInput)
    target = NumberField(label="New target")
    start = NumberField(label="New start", required=False, help_text="Leave empty to keep it.")
    reason = forms.CharField(
        label="Reason",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AbandonForm(forms.Form):
    objective = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why abandon it?",
        max_length=MAX_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
