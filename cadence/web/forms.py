"""Forms of the people pages (settings → people, invite, your profile)."""

from __future__ import annotations

from django import forms

from cadence.accounts.invitation_rows import MAX_FILE_BYTES, MAX_ROWS
from cadence.core.limits import MAX_EMAIL, MAX_NAME
from cadence.orgs.models import TIME_ZONES, Organization, Person

ROLE_HELP = (
    "Admins manage people, teams and settings; members write their teams' OKRs and weekly "
    "updates; viewers read everything and change nothing."
)


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=MAX_EMAIL)
    status = forms.ChoiceField(
        choices=[("active", "Active"), ("invited", "Invited"), ("deactivated", "Deactivated")],
        required=False,
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Person.Role.choices)


class InviteForm(forms.Form):
    email = forms.EmailField(label="Email address", max_length=MAX_EMAIL)
    name = forms.CharField(label="Name", max_length=MAX_NAME, required=False)
    role = forms.ChoiceField(
        label="Role", choices=Person.Role.choices, initial=Person.Role.MEMBER, help_text=ROLE_HELP
    )
    units = forms.MultipleChoiceField(
        label="Teams", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {str(u.pk): u for u in units}
        self.fields["units"].choices = [(str(u.pk), u.name) for u in units]

    def chosen_units(self):
        return [self.units[i] for i in self.cleaned_data.get("units", []) if i in self.units]


class PasteForm(forms.Form):
    addresses = forms.CharField(
        label="Email addresses",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_FILE_BYTES,
        help_text="Separated by commas, semicolons or new lines; a name may come first: "
        "Ada Lovelace <ada@example.com>.",
    )
    role = forms.ChoiceField(label="Role", choices=Person.Role.choices, initial="member")
    team = forms.ChoiceField(label="Team", required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "No team")] + [(u.name, u.name) for u in units]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text=f"The first line is the header email,name,team,role; then one person per "
        f"line, at most {MAX_ROWS} people and {MAX_FILE_BYTES // 1_000_000} MB. Teams by name; "
        "the role is admin, member or viewer (member when empty).",
    )


class ConfirmForm(forms.Form):
    # The rows of the preview that were valid, as CSV: checked again before anyone is invited.
    rows = forms.CharField(widget=forms.HiddenInput, max_length=MAX_FILE_BYTES)


class ProfileForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=MAX_NAME)
    time_zone = forms.ChoiceField(label="Time zone", required=False)
    weekly_reminders = forms.BooleanField(
        label="Remind me before my team's weekly deadline if I have not written my update",
        required=False,
    )
    weekly_digests = forms.BooleanField(
        label="Send me the weekly digest of my teams and the teams I follow", required=False
    )

    def __init__(self, *args, team_time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [("", f"My team's ({team_time_zone})")] + [
            (name, name) for name in TIME_ZONES
        ]
        self.fields[
            "time_zone"
        ].help_text = "Weeks and deadlines follow your team; emails show times in this time zone."


class OrganizationForm(forms.Form):
    name = forms.CharField(label="Name", max_length=MAX_NAME)
    time_zone = forms.ChoiceField(
        label="Time zone",
        help_text=(
            "The company's dates and the time zone new departments and teams start with; "
            "teams keep their own."
        ),
    )
    default_cycle_kind = forms.ChoiceField(
        label="Cycles",
        choices=Organization.CycleKind.choices,
        help_text="The length of cycle suggested when an admin creates the next one.",
    )

    def __init__(self, *args, editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [(name, name) for name in TIME_ZONES]
        if not editable:
            for field in self.fields.values():
                field.disabled = True
