"""Forms for signing in and for personal API tokens."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class EmailAuthenticationForm(AuthenticationForm):
    """Django's login form, asking for an email address (the username of a Person)."""

    username = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=100,
        help_text="What will use it, for example “CI dashboard” or “Sheets export”.",
    )


class ApiTokenRevokeForm(forms.Form):
    token_id = forms.UUIDField(widget=forms.HiddenInput)
