from django import forms

from cadence.core.limits import MAX_EMAIL, MAX_NAME


class SetupForm(forms.Form):
    code = forms.CharField(
        label="Setup code",
        max_length=40,
        help_text="Printed in the console where Cadence runs (or run: cadence setupcode).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    organization_name = forms.CharField(label="Organization", max_length=MAX_NAME)
    name = forms.CharField(label="Your name", max_length=MAX_NAME)
    email = forms.EmailField(
        label="Your email",
        max_length=MAX_EMAIL,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Password",
        max_length=256,
        help_text="At least 12 characters.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label="Password again",
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return data


class RolloutForm(forms.Form):
    """The rollout's mode and pilot units (orgs.rollout_services.rollout_update)."""

    mode = forms.ChoiceField(
        label="Who is asked for weekly updates",
        choices=[
            ("everyone", "Everyone: every member is reminded and counted"),
            ("leads", "Team leads only: start with the people who lead a unit"),
            ("pilot", "Pilot units: only the people of the units chosen below"),
        ],
        widget=forms.RadioSelect,
        help_text="People outside the rollout may still use Cadence; they are just not reminded "
        "or listed as missing an update.",
    )
    pilot_unit_ids = forms.MultipleChoiceField(
        label="Pilot units",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="A department brings its teams along. Used in the pilot mode.",
    )

    def __init__(self, *args, units=(), editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pilot_unit_ids"].choices = [
            (str(u.pk), f"{u.name} ({u.get_kind_display().lower()})") for u in units
        ]
        self.fields["pilot_unit_ids"].show_optional = False
        if not editable:
            for field in self.fields.values():
                field.disabled = True


class RolloutTickForm(forms.Form):
    step = forms.CharField(max_length=32)
    done = forms.TypedChoiceField(
        choices=[("1", "tick"), ("0", "untick")], coerce=lambda value: value == "1"
    )
