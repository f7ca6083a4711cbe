"""What accounts removes when a person is erased (``orgs.hooks.person_erased``): every way to
sign in as them and every record of their address here."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from cadence.accounts.models import Invitation
from cadence.orgs.models import Person


def person_erased(*, person: Person, email: str, name: str) -> set[str]:
    """Remove their addresses, two-factor authenticators, single sign-on links, sessions and
    sign-in throttling records; revoke open invitations to their addresses and anonymise every
    invitation to them. Returns the addresses removed (for the audit trail's rewrite)."""
    addresses = {email.lower()}
    addresses.update(
        a.lower() for a in EmailAddress.objects.filter(user=person).values_list("email", flat=True)
    )
    EmailAddress.objects.filter(user=person).delete()
    Authenticator.objects.filter(user=person).delete()
    SocialAccount.objects.filter(user=person).delete()
    _sessions_end(person)
    by_address = Q()
    for address in addresses:
        by_address |= Q(username__iexact=address)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(by_address).delete()
    invitations = Invitation.objects.filter(organization_id=person.organization_id).filter(
        Q(person=person) | Q(email__in=addresses)
    )
    now = timezone.now()
    invitations.filter(accepted_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    invitations.update(email=person.email, name=name)
    return addresses


def _sessions_end(person: Person) -> None:
    """Delete the database sessions signed in as ``person`` (decoded one by one: Django keeps
    the user's id inside the session's data)."""
    key = str(person.pk)
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get("_auth_user_id", "")) == key
    ]
    Session.objects.filter(session_key__in=doomed).delete()
