"""The notification settings form."""

from django import forms

from cadence.feed import notices
from cadence.orgs.models import TIME_ZONES


class NotificationSettingsForm(forms.Form):
    weekly_reminders = forms.BooleanField(
        label="Remind me before my team's weekly deadline if I have not written my update",
        required=False,
    )
    weekly_digests = forms.BooleanField(
        label="Send me the weekly digest of my teams and the teams I follow",
        required=False,
    )
    time_zone = forms.ChoiceField(label="Time zone", required=False)

    def __init__(self, *args, team_time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", f"My team's ({team_time_zone})")] + [
            (name, name) for name in TIME_ZONES
        ]
        self.fields[
            "time_zone"
        ].help_text = "Weeks and deadlines follow your team; emails show times in this time zone."


class NoticePreferencesForm(forms.Form):
    """Each kind of notification on each channel, and single emails or a daily digest."""

    daily_digest = forms.BooleanField(
        label="Send my notification emails as one digest a day instead of one by one",
        required=False,
    )
    digest_hour = forms.TypedChoiceField(
        label="Digest hour",
        coerce=int,
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        initial=notices.DIGEST_HOUR,
        help_text="In your time zone.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in notices.KINDS:
            for channel, label in notices.CHANNELS.items():
                self.fields[notices.field_name(kind.value, channel)] = forms.BooleanField(
                    label=f"{kind.label}: {label}", required=False
                )

    def rows(self):
        """The table's rows: a kind and its channels' bound fields."""
        return [
            (kind, [self[notices.field_name(kind.value, c)] for c in notices.CHANNELS])
            for kind in notices.KINDS
        ]

    def choices(self) -> dict[tuple[str, str], bool]:
        return {
            (kind.value, channel): self.cleaned_data[notices.field_name(kind.value, channel)]
            for kind in notices.KINDS
            for channel in notices.CHANNELS
        }
