"""Sign-in throttling, on django-axes (settings: AXES_*, SIGN_IN_FAILURE_LIMIT).

- Password sign-ins: at most AXES_FAILURE_LIMIT failures per account (the email, whether or not
  such an account exists, so a lockout tells nothing about it) and, separately, per client
  address, within AXES_COOLOFF_TIME hours. Then every attempt is refused, the right password too,
  with the lockout page; the account's owner gets one email when their account is locked.
- API tokens: a failed ``Authorization: Bearer`` counts for its address only (there is no
  account to name); a locked address gets 429 in the API's error shape, even for a valid token.
- An admin unlocks from Settings → Sign-in security (``views.security``); operators also have
  ``cadence manage axes_reset_username EMAIL`` / ``axes_reset_ip ADDRESS`` / ``axes_reset``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.db.models import Max, QuerySet, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.orgs.models import Organization, Person

# The credentials a failed API token is recorded with: no username, this marker.
API_TOKEN = "cadence_api_token"

LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. Signing in is paused for an hour for this account or "
    "from this address. Ask an admin of your organization to unlock it sooner, or reset your "
    "password from the link below."
)
API_LOCKED_MESSAGE = (
    "Too many requests with a wrong API token from this address: API tokens from it are "
    "refused for an hour, or until an admin unlocks the address."
)


# The callables named in settings (AXES_*) ---------------------------------------------------


def username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The account an attempt names: its email, lower-cased (the same account however typed)."""
    if credentials is not None:
        if credentials.get(API_TOKEN):
            return None
        value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    else:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("username") or data.get("email")
    value = (value or "").strip().lower()
    return value or None


def lockout_parameters(request, credentials: dict | None) -> list[str]:
    """Accounts and addresses separately; a failed API token counts for its address only."""
    if credentials is not None and credentials.get(API_TOKEN):
        return ["ip_address"]
    return ["username", "ip_address"]


def client_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or the header a reverse proxy sets (CLIENT_IP_HEADER)."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
        # X-Forwarded-For: the last entry is the one the trusted proxy itself added.
        address = value.split(",")[-1].strip()
        if address:
            return address
    return request.META.get("REMOTE_ADDR")


def lockout_response(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The sign-in page with the lockout message (429), or the API's error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": API_LOCKED_MESSAGE, "errors": {}}, status=429)
    from cadence.accounts.forms import LoginForm

    return render(
        request,
        "account/login.html",
        {"form": LoginForm(request=request), "locked_message": LOCKED_MESSAGE},
        status=429,
    )


# API tokens ---------------------------------------------------------------------------------


def api_address_locked(request: HttpRequest) -> bool:
    return not AxesProxyHandler.is_allowed(request, {API_TOKEN: True})


def api_token_failed(request: HttpRequest) -> None:
    """Record a wrong token (the ``user_login_failed`` signal: axes counts it, audit may too)."""
    user_login_failed.send(sender=__name__, credentials={API_TOKEN: True}, request=request)


# Lockouts: the email, the admin's list, unlocking -------------------------------------------


def _recent() -> QuerySet[AccessAttempt]:
    return AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - get_cool_off())


def account_failures(email: str) -> int:
    attempts = _recent().filter(username=email.strip().lower())
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def _on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """Email the account's owner once, when the failure that locks the account is recorded."""
    if not username or account_failures(username) != settings.AXES_FAILURE_LIMIT:
        return
    person = Person.objects.filter(email__iexact=username, is_active=True).first()
    if person is None:
        return
    from django.urls import reverse

    from cadence.accounts.emails import send_template_email
    from cadence.core.emails import absolute_url

    send_template_email(
        "account_locked",
        to=person.email,
        person=person,
        context={
            "person": person,
            "failures": settings.AXES_FAILURE_LIMIT,
            "address": ip_address or "an unknown address",
            "reset_url": absolute_url(reverse("account_reset_password")),
        },
    )


def connect_signals() -> None:
    user_locked_out.connect(_on_locked_out, dispatch_uid="cadence.accounts.locked_out")


@dataclass(frozen=True)
class Lock:
    kind: str  # "account" or "address"
    value: str  # the email or the address
    failures: int
    last_attempt: datetime


def locks_for(organization: Organization) -> list[Lock]:
    """The accounts of ``organization`` and the addresses that tried them, locked now."""
    limit = settings.AXES_FAILURE_LIMIT
    emails = {e.lower() for e in organization.people.values_list("email", flat=True)}
    recent = _recent()
    accounts = [
        Lock("account", row["username"], row["n"], row["last"])
        for row in recent.filter(username__in=emails)
        .values("username")
        .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        if row["n"] >= limit
    ]
    addresses_seen = set(
        recent.filter(username__in=emails).values_list("ip_address", flat=True).distinct()
    )
    addresses = [
        Lock("address", row["ip_address"], row["n"], row["last"])
        for row in recent.filter(ip_address__in=addresses_seen)
        .values("ip_address")
        .annotate(n=Sum("failures_since_start"), last=Max("attempt_time"))
        if row["n"] >= limit
    ]
    return accounts + addresses


@transaction.atomic
def lock_release(
    *, organization: Organization, kind: str, value: str, actor: Person | None = None
) -> bool:
    """Forget the failures of one of ``organization``'s locks; False when it is not one.
    ``actor``: the admin who unlocks it (None: the command line), for the audit trail."""
    if not any(lock.kind == kind and lock.value == value for lock in locks_for(organization)):
        return False
    if kind == "account":
        reset(username=value)
    else:
        reset(ip=value)
    audit_record(
        organization=organization,
        kind="signin.unlocked",
        actor=actor,
        target_type="signin.lock",
        target_id=value[:64],
        target_label=f"{kind} {value}",
        changes={"unlocked": kind, "value": value},
    )
    return True
