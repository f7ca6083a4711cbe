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
