"""The notification settings form."""

from django import forms

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
