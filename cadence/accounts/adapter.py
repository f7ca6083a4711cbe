"""Cadence's allauth adapters: no public sign-up, Cadence's wording, every email through
``emails.send_account_email``; single sign-on through each organization's own provider."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.shortcuts import render

from cadence.accounts import sso as sso_rules
from cadence.accounts.emails import send_account_email
from cadence.accounts.models import SingleSignOn
from cadence.core import outbound
from cadence.orgs.models import Person

OIDC = "openid_connect"

QUIET_MESSAGES = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same words whether or not the account exists.
        "email_password_mismatch": "Please enter a correct email and password.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join an organization through its admins, never by signing themselves up."""
        return False

    def add_message(self, request, level, message_template=None, *args, **kwargs):
        # Signing in and out lead to a page that shows it: no "signed in as …" notice.
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)

    def format_email_subject(self, subject: str) -> str:
        return f"{settings.SITE_NAME}: {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.SITE_NAME,
            "site_url": settings.SITE_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"),
            None,
        )
        user = context.get("user")
        send_account_email(
            to=email,
            subject=message.subject,
            text=message.body,
            html=html,
            person=user if isinstance(user, Person) else None,
        )


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_issuer(self) -> str:
        return settings.SITE_NAME


def social_app(sso: SingleSignOn) -> SocialApp:
    """The organization's provider as allauth's (unsaved) SocialApp. PKCE on; the user's claims
    come from the userinfo endpoint, the ID token is checked against the issuer and client."""
    return SocialApp(
        provider=OIDC,
        provider_id=sso.provider_id,
        name=sso.name,
        client_id=sso.client_id,
        secret=sso.client_secret,
        settings={"server_url": sso.issuer, "oauth_pkce_enabled": True, "fetch_userinfo": True},
    )


def sign_in_refused(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    response = render(request, "accounts/sso_refused.html", {"message": message}, status=403)
    return ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """allauth's providers are the organizations' (accounts.models.SingleSignOn), never its own
    SocialApp table or settings; every request to a provider goes through the outbound guard;
    who is signed in is decided by ``accounts.sso``."""

    def list_apps(self, request, provider=None, client_id=None) -> list[SocialApp]:
        # Only a named organization's provider (allauth's URLs carry `org-<id>`): no page lists
        # the providers of every organization.
        sso = sso_rules.sso_by_provider_id(provider or "")
        if sso is None or (client_id and client_id != sso.client_id):
            return []
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.organization_id != sso.organization_id
        ):
            # Signed in elsewhere: another organization's provider is not yours to use (404).
            return []
        return [social_app(sso)]

    def get_requests_session(self):
        return outbound.guarded_session()

    def is_open_for_signup(self, request, sociallogin) -> bool:
        # pre_social_login links or creates the person first; allauth's sign-up never runs.
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        sso = sso_rules.sso_by_provider_id(app.provider_id if app else "")
        if sso is None:
            raise sign_in_refused(request, "Single sign-on is not turned on for this provider.")
        if sociallogin.state.get("process", AuthProcess.LOGIN) != AuthProcess.LOGIN:
            raise sign_in_refused(
                request, "Single sign-on is for signing in: start from the sign-in page."
            )
        verified = [a for a in sociallogin.email_addresses if a.verified]
        address = verified[0] if verified else next(iter(sociallogin.email_addresses), None)
        common = sociallogin.provider.extract_common_fields(sociallogin.account.extra_data)
        try:
            person = sso_rules.sso_sign_in_person(
                sso=sso,
                email=address.email if address else None,
                email_verified=bool(verified),
                name=common.get("name"),
                linked=sociallogin.user if sociallogin.is_existing else None,
            )
        except sso_rules.SignInRefused as refused:
            raise sign_in_refused(request, refused.message) from None
        if not sociallogin.is_existing:
            # Link this provider account to the person (without allauth's "connected" email:
            # the provider is the organization's own).
            sociallogin.user = person
            sociallogin.save(request, connect=True)
