"""Sign-ins and account changes in the audit trail, from the signals of the libraries that do
them: Django (signed in, failed, signed out — allauth and django-axes send these), django-axes
(locked out), allauth (password changed, set or reset; email changed) and allauth.mfa
(two-factor on or off, recovery codes regenerated).

A failed sign-in or lockout is recorded in the organization of the account whose email was
typed; for an email that is no account there is no organization to record it in, and it is not
recorded (docs/decisions.md). Failed API tokens name no account and are not recorded either;
django-axes counts both.
"""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import signals as auth_signals

from cadence.accounts import throttle
from cadence.audit.services import audit_record
from cadence.orgs.models import Person


def _record(person: Person, kind: str, *, actor: Person | None = None, **changes) -> None:
    audit_record(
        organization=person.organization_id,
        kind=kind,
        actor=person if actor is None else actor,
        target=person,
        target_label=f"{person.name} <{person.email}>",
        changes=changes,
    )


def _person(user) -> Person | None:
    return user if isinstance(user, Person) and user.pk else None


def _person_named(email: str | None) -> Person | None:
    return Person.objects.filter(email__iexact=email).first() if email else None


def on_logged_in(sender, request, user, **kwargs) -> None:
    if person := _person(user):
        _record(person, "signin.succeeded")


def on_logged_out(sender, request, user, **kwargs) -> None:
    if person := _person(user):
        _record(person, "signin.signed_out")


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """A wrong password, a deactivated account, or an attempt while the account or address is
    locked. django-axes's handler receives first (it connected first) and marks the request:
    locked, with the failures counted so far. The failure that reaches the limit is the last
    wrong password (``on_locked_out`` records the lock it causes); past the limit, the attempt
    was refused unchecked, for the lock."""
    if request is None or credentials.get(throttle.API_TOKEN):
        return
    person = _person_named(throttle.username(request, credentials))
    if person is None:
        return
    failures = getattr(request, "axes_failures_since_start", None)
    refused_locked = getattr(request, "axes_locked_out", False) and (
        failures is None or failures > settings.AXES_FAILURE_LIMIT
    )
    if refused_locked:
        reason = "locked"
    elif not person.is_active:
        reason = "deactivated"
    else:
        reason = "wrong password"
    audit_record(
        organization=person.organization_id,
        kind="signin.failed",
        # Whoever typed it is not known: the trail names the account tried, not an actor.
        actor_label=person.email,
        target=person,
        target_label=f"{person.name} <{person.email}>",
        changes={"reason": reason},
    )


def on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    """The failure that locks an account or an address: the one that reaches the limit
    (django-axes sends the signal again for each attempt while locked: those are failed
    sign-ins, recorded above)."""
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    person = _person_named(username)
    if person is None:
        return
    by_account = throttle.account_failures(username) >= settings.AXES_FAILURE_LIMIT
    audit_record(
        organization=person.organization_id,
        kind="signin.locked_out",
        actor_label=person.email,
        target=person,
        target_label=f"{person.name} <{person.email}>",
        changes={
            "locked": "account" if by_account else "address",
            "failures": settings.AXES_FAILURE_LIMIT,
            "address": ip_address or "",
        },
    )


def on_password_changed(sender, request, user, **kwargs) -> None:
    if person := _person(user):
        _record(person, "account.password_changed")


def on_password_set(sender, request, user, **kwargs) -> None:
    if person := _person(user):
        _record(person, "account.password_set")


def on_password_reset(sender, request, user, **kwargs) -> None:
    if person := _person(user):
        _record(person, "account.password_reset")


def on_email_changed(sender, request, user, from_email_address, to_email_address, **kwargs):
    if person := _person(user):
        before = from_email_address.email if from_email_address else None
        _record(person, "account.email_changed", email=[before, to_email_address.email])


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    if (person := _person(user)) and authenticator.type == Authenticator.Type.TOTP:
        _record(person, "account.two_factor_enabled")


def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    if (person := _person(user)) and authenticator.type == Authenticator.Type.TOTP:
        _record(person, "account.two_factor_disabled")


def on_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    if (person := _person(user)) and authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _record(person, "account.recovery_codes_regenerated")


def connect_signals() -> None:
    uid = "cadence.accounts.audit."
    auth_signals.user_logged_in.connect(on_logged_in, dispatch_uid=uid + "in")
    auth_signals.user_logged_out.connect(on_logged_out, dispatch_uid=uid + "out")
    auth_signals.user_login_failed.connect(on_login_failed, dispatch_uid=uid + "failed")
    user_locked_out.connect(on_locked_out, dispatch_uid=uid + "locked")
    account_signals.password_changed.connect(on_password_changed, dispatch_uid=uid + "pw")
    account_signals.password_set.connect(on_password_set, dispatch_uid=uid + "pw_set")
    account_signals.password_reset.connect(on_password_reset, dispatch_uid=uid + "pw_reset")
    account_signals.email_changed.connect(on_email_changed, dispatch_uid=uid + "email")
    mfa_signals.authenticator_added.connect(on_authenticator_added, dispatch_uid=uid + "mfa+")
    mfa_signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid=uid + "mfa-")
    mfa_signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid=uid + "mfa_rc")
