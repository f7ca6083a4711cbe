from django import forms

from cadence.meetings.models import MeetingSlot
from cadence.orgs.models import Unit


class MeetingSlotForm(forms.Form):
    """When a team holds its weekly OKR meeting (no day: it has no fixed slot)."""

    weekday = forms.TypedChoiceField(
        label="Day",
        choices=[("", "No fixed meeting"), *Unit.Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    at = forms.TimeField(
        label="Starts at",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": "Give the time, such as 10:00."},
    )
    minutes = forms.IntegerField(
        label="Minutes",
        min_value=MeetingSlot.MIN_MINUTES,
        max_value=MeetingSlot.MAX_MINUTES,
        initial=MeetingSlot.DEFAULT_MINUTES,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.show_optional = False

    def clean(self):
        data = super().clean()
        if data.get("weekday") is None:
            # No day: the team has no fixed meeting; whatever else was typed is set aside.
            data["at"] = None
        elif data.get("at") is None and "at" not in self.errors:
            self.add_error("at", "Give the time the meeting starts.")
        return data
