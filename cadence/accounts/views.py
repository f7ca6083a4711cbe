"""Settings → Sign-in security: my two-factor and password; for admins, the organization's
two-factor requirement and the locked accounts and addresses, with Unlock. Settings → Single
sign-on (admins), and the sign-in page's way into it (/login/sso/)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.utils import get_next_redirect_url
from allauth.account.views import LoginView
from allauth.account.views import email as allauth_email_view
from allauth.mfa.utils import is_mfa_enabled
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.providers.base import AuthProcess
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cadence.accounts import policy, sso, throttle
from cadence.accounts.forms import SsoSettingsForm, SsoStartForm
from cadence.core.emails import absolute_url
from cadence.core.forms import submit
from cadence.orgs.models import Organization


class SignInView(LoginView):
    """allauth's sign-in page; on an install with no organization yet it leads to the first-run
    setup instead (every page asks for sign-in first, so every page leads there)."""

    def dispatch(self, request, *args, **kwargs):
        if not Organization.objects.exists():
            return redirect("setup")
        return super().dispatch(request, *args, **kwargs)


class PolicyForm(forms.Form):
    require_two_factor = forms.BooleanField(
        required=False,
        label="Require two-factor authentication for everyone",
        help_text="People who have not set it up are led to set it up before anything else.",
    )


class UnlockForm(forms.Form):
    kind = forms.ChoiceField(choices=[("account", "account"), ("address", "address")])
    value = forms.CharField(max_length=255)


@login_required
def security(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    context = {
        "nav": "settings",
        "two_factor": is_mfa_enabled(person),
        "required": policy.requires_two_factor(organization.id),
    }
    if person.is_admin:
        context["policy_form"] = PolicyForm(initial={"require_two_factor": context["required"]})
        context["locks"] = throttle.locks_for(organization)
    return render(request, "accounts/security.html", context)


def _admin(request: HttpRequest):
    if not request.user.is_admin:
        raise PermissionDenied("Only admins change the organization's sign-in security.")
    return request.user


@login_required
@require_POST
def security_policy(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = PolicyForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    required = form.cleaned_data.get("require_two_factor", False)
    policy.sign_in_policy_set(
        actor=admin, organization=admin.organization, require_two_factor=required
    )
    messages.success(
        request,
        "Two-factor authentication is now required for everyone."
        if required
        else "Two-factor authentication is now optional.",
    )
    return redirect("sign_in_security")


@login_required
@require_POST
def security_unlock(request: HttpRequest) -> HttpResponse:
    admin = _admin(request)
    form = UnlockForm(request.POST)
    if form.is_valid() and throttle.lock_release(
        actor=admin,
        organization=admin.organization,
        kind=form.cleaned_data["kind"],
        value=form.cleaned_data["value"],
    ):
        messages.success(request, f"Unlocked {form.cleaned_data['value']}: it can sign in again.")
    else:
        messages.error(request, "That account or address is not locked.")
    return redirect("sign_in_security")


@login_required
def email_change(request: HttpRequest) -> HttpResponse:
    """allauth's change-email page, once the current address is on record as confirmed: it was
    given by an admin (or the person at set-up), and allauth replaces only a confirmed one —
    an unconfirmed current address would be taken for a pending change and dropped."""
    person = request.user
    EmailAddress.objects.get_or_create(
        user=person, email=person.email, defaults={"verified": True, "primary": True}
    )
    return allauth_email_view(request)


# Single sign-on ---------------------------------------------------------------------------


def sso_start(request: HttpRequest) -> HttpResponse:
    """/login/sso/: the work email's domain names the organization; its provider takes over."""
    form = SsoStartForm(request.POST or None, initial={"email": request.GET.get("email", "")})
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        found = sso.sso_for_email(email)
        if found is None:
            form.add_error(
                "email",
                "No organization here signs in people at that address with single sign-on. "
                "Sign in with your password instead.",
            )
        else:
            provider = get_social_adapter(request).get_provider(request, found.provider_id)
            next_url = get_next_redirect_url(request) or None
            return provider.redirect(
                request,
                AuthProcess.LOGIN,
                next_url=next_url,
                auth_params={"login_hint": email},
            )
    return render(request, "account/sso_start.html", {"form": form})


def _sso_initial(found) -> dict:
    if found is None:
        return {"name": "", "enabled": False}
    return {
        "enabled": found.enabled,
        "name": found.name,
        "issuer": found.issuer,
        "client_id": found.client_id,
        "domains": ", ".join(sso.domains_of(found)),
        "require_sso": found.require_sso,
    }


@login_required
def sso_settings(request: HttpRequest) -> HttpResponse:
    """Settings → Single sign-on (admins): the organization's OpenID Connect provider."""
    admin = _admin(request)
    organization = admin.organization
    found = sso.sso_for(organization)
    form = SsoSettingsForm(
        request.POST if request.method == "POST" else None, initial=_sso_initial(found)
    )
    done = submit(
        request,
        form,
        lambda data: sso.sso_settings_set(
            actor=admin,
            organization=organization,
            enabled=data["enabled"],
            name=data["name"],
            issuer=data["issuer"],
            client_id=data["client_id"],
            client_secret=data["client_secret"] or None,
            domains=sso.parse_domains(data["domains"]),
            require_sso=data["require_sso"],
        ),
    )
    if done.saved:
        messages.success(request, "Single sign-on settings saved.")
        return redirect("sso_settings")
    callback = reverse(
        "openid_connect_callback", kwargs={"provider_id": sso.provider_id_for(organization)}
    )
    context = {
        "nav": "settings",
        "form": form,
        "sso": found,
        "secret_saved": bool(found and found.client_secret),
        "callback_url": absolute_url(callback),
        "sign_in_url": absolute_url(reverse("sso_start")),
    }
    return render(request, "accounts/sso_settings.html", context, status=done.status)
