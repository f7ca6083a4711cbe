"""The form that adds an external subscriber."""

from django import forms

from cadence.core.limits import MAX_EMAIL, MAX_NAME
from cadence.orgs.models import Unit
from cadence.scheduling.models import ExternalSubscriber

COMPANY = ExternalSubscriber.What.COMPANY_SUMMARY


class SubscriberForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=MAX_EMAIL,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    name = forms.CharField(label="Name", max_length=MAX_NAME, required=False)
    what = forms.ChoiceField(
        label="What they get",
        help_text="Team digests go out after the team's weekly deadline; the company summary on "
        "the first working day of each month.",
    )

    def __init__(self, *args, teams: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.teams = {str(t.id): t for t in teams}
        self.fields["what"].choices = [
            ("", "Choose…"),
            (COMPANY, "Monthly company OKR summary"),
        ] + [(str(t.id), f"Weekly digest of {t.name}") for t in teams]

    def clean(self):
        data = super().clean()
        choice = data.get("what")
        if choice == COMPANY:
            data["unit"] = None
        elif choice in self.teams:
            data["what"] = ExternalSubscriber.What.TEAM_DIGEST
            data["unit"] = self.teams[choice]
        return data
