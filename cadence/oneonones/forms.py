"""Forms of the 1:1 pages: bounds at the edge, the services decide the rest."""

from __future__ import annotations

from django import forms

from cadence.core.limits import FIRST_YEAR, LAST_YEAR
from cadence.oneonones.models import (
    MAX_ACTION,
    MAX_FEEDBACK,
    MAX_NOTE,
    MAX_POINT,
    ActionItem,
    Pair,
)
from cadence.orgs.models import Unit


class PairForm(forms.Form):
    member = forms.ChoiceField(
        label="With",
        error_messages={
            "required": "Choose the person you meet.",
            "invalid_choice": "Choose a person in a team you lead (or in a unit below it).",
        },
    )
    frequency = forms.ChoiceField(
        label="How often",
        choices=Pair.Frequency.choices,
        initial=Pair.Frequency.BIWEEKLY,
        error_messages={"invalid_choice": "Choose every week, every two weeks or every month."},
    )
    weekday = forms.TypedChoiceField(
        label="Day",
        choices=Unit.Weekday.choices,
        coerce=int,
        initial=1,
        error_messages={"invalid_choice": "Choose the day of the week."},
    )
    at = forms.TimeField(
        label="Time",
        help_text="In your time zone.",
        initial="10:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "Give the time.", "invalid": "Give the time as 14:30."},
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=Pair.MIN_MINUTES,
        max_value=Pair.MAX_MINUTES,
        initial=Pair.DEFAULT_MINUTES,
        error_messages={
            "min_value": f"At least {Pair.MIN_MINUTES} minutes.",
            "max_value": f"At most {Pair.MAX_MINUTES} minutes.",
        },
    )
    starts_on = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Give the date as YYYY-MM-DD."},
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "Choose a person")] + [
            (str(p.pk), p.name) for p in people
        ]

    def clean_starts_on(self):
        value = self.cleaned_data.get("starts_on")
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise forms.ValidationError(f"Choose a day from {FIRST_YEAR} to {LAST_YEAR}.")
        return value


class _InMeeting(forms.Form):
    # Which meeting; empty for the next one.
    meeting = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # The panel holds several forms: each its own ids.
    ids = "id_%s"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", self.ids)
        super().__init__(*args, **kwargs)


class TalkingPointForm(_InMeeting):
    ids = "point_%s"
    text = forms.CharField(
        label="Talking point",
        max_length=MAX_POINT,
        error_messages={
            "required": "Write the talking point.",
            "max_length": f"Keep it to {MAX_POINT:,} characters or fewer.",
        },
    )


class NoteForm(_InMeeting):
    ids = "note_%s"
    text = forms.CharField(
        label="Note",
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write the note.",
            "max_length": f"Keep it to {MAX_NOTE:,} characters or fewer.",
        },
    )
    private = forms.BooleanField(
        label="Private: only I will ever read it",
        required=False,
    )


class ActionItemForm(_InMeeting):
    ids = "action_%s"
    text = forms.CharField(
        label="Action item",
        max_length=MAX_ACTION,
        error_messages={
            "required": "Write what is to be done.",
            "max_length": f"Keep it to {MAX_ACTION:,} characters or fewer.",
        },
    )
    owner = forms.ChoiceField(
        label="Who does it",
        choices=ActionItem.Owner.choices,
        error_messages={"invalid_choice": "Choose who does it: the lead or the member."},
    )


class TickForm(_InMeeting):
    ids = "tick_%s"
    done = forms.BooleanField(required=False)


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label="Feedback",
        max_length=MAX_FEEDBACK,
        help_text="How the work moved the team’s and the company’s OKRs.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write the feedback itself.",
            "max_length": f"Keep it to {MAX_FEEDBACK:,} characters or fewer.",
        },
    )
    about = forms.ChoiceField(
        label="About",
        required=False,
        error_messages={"invalid_choice": "Choose one of the listed objectives or key results."},
    )

    def __init__(self, *args, about_choices=(), **kwargs):
        kwargs.setdefault("auto_id", "feedback_%s")
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [("", "The work in general")] + list(about_choices)
