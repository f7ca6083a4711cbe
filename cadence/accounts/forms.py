"""The sign-in form: allauth's, asking for an email address."""

from allauth.account.forms import AddEmailForm as AllauthAddEmailForm
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms

from cadence.accounts import sso
from cadence.orgs.models import Person


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form. Its email field is ``login``; a post that names it ``username``
    (Django's LoginView, which this page replaced) is read the same way."""

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and "login" not in data and "username" in data:
            data = data.copy()
            data["login"] = data["username"]
            kwargs["data"] = data
        super().__init__(*args, **kwargs)
        # allauth puts hint text inside the fields; the page's visible labels say it, and text
        # that vanishes as one types is no label (accessibility), so the hints are dropped.
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["login"].widget.attrs["autofocus"] = True
        # Set when the password was right but the person's organization requires single sign-on.
        self.sso_required = False
        self.sso_name = ""

    def clean(self):
        cleaned_data = super().clean()
        required = sso.sso_required_for(self.user) if self.user is not None else None
        if required is not None:
            self.user = None
            self.sso_required, self.sso_name = True, required.name
            raise forms.ValidationError(
                f"{required.organization.name} signs in with single sign-on: use “Sign in with "
                f"{required.name}” instead of a password.",
                code="sso_required",
            )
        return cleaned_data


class SsoStartForm(forms.Form):
    """Single sign-on starts from the work email address: its domain names the organization."""

    email = forms.EmailField(
        label="Work email",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


class AddEmailForm(AllauthAddEmailForm):
    """The new address of an email change: never one that another person signs in with
    (allauth checks only the addresses it has on record, and Cadence's people are not all
    there)."""

    def clean_email(self):
        email = super().clean_email()
        taken = Person.objects.filter(email__iexact=email)
        if self.user is not None:
            taken = taken.exclude(pk=self.user.pk)
        if taken.exists():
            raise forms.ValidationError("Another person already uses this address.")
        return email


class SsoSettingsForm(forms.Form):
    """An organization's OpenID Connect provider. The client secret is never shown back: left
    empty, the saved one is kept."""

    enabled = forms.BooleanField(
        required=False,
        label="Single sign-on",
        help_text="People at the domains below can sign in through your provider.",
    )
    name = forms.CharField(
        max_length=80,
        label="Provider name",
        help_text="Shown on the sign-in button, as in “Sign in with Okta”.",
    )
    issuer = forms.CharField(
        max_length=500,
        label="Issuer URL",
        help_text="The provider's address, such as https://example.okta.com "
        "(its /.well-known/openid-configuration is read from there).",
        widget=forms.URLInput(),
    )
    client_id = forms.CharField(max_length=255, label="Client ID")
    client_secret = forms.CharField(
        max_length=1000,
        required=False,
        label="Client secret",
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"autocomplete": "new-password", "aria-describedby": "id_client_secret_helptext"},
        ),
    )
    domains = forms.CharField(
        max_length=5000,
        required=False,
        label="Allowed email domains",
        help_text="One or more, separated by commas or spaces, such as example.com. People with "
        "a verified address there sign in, and are added as members the first time.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    require_sso = forms.BooleanField(
        required=False,
        label="Require it",
        help_text="Members and viewers can no longer sign in with a password. Admins still can, "
        "so that you can get in if the provider fails.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["domains"].show_optional = False
