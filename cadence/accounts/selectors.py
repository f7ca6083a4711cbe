"""Organization-scoped reads of invitations, and the check of rows an admin is about to invite."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import replace

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cadence.accounts.invitation_rows import Row
from cadence.accounts.models import Invitation
from cadence.core.ids import uuid_or_404
from cadence.orgs.models import Organization, Person, Unit


def invitation_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def invitations_open(organization: Organization) -> QuerySet[Invitation]:
    """Invitations neither accepted nor revoked (some may have expired), latest first."""
    return Invitation.objects.filter(
        organization=organization, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-sent_at", "email")


def invitations_pending(
    organization: Organization, *, query: str = "", units: bool = True
) -> QuerySet[Invitation]:
    """The open invitations, optionally those whose email or name contains ``query``, with
    their teams and who sent them."""
    invitations = invitations_open(organization).select_related("invited_by")
    query = (query or "").strip()
    if query:
        invitations = invitations.filter(Q(email__icontains=query) | Q(name__icontains=query))
    if units:
        invitations = invitations.prefetch_related("units")
    return invitations


def invitation_get(organization: Organization, invitation_id) -> Invitation:
    invitation = (
        Invitation.objects.filter(organization=organization, pk=uuid_or_404(invitation_id))
        .select_related("organization")
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitation_by_secret(secret: str) -> Invitation | None:
    """The invitation a link's secret names (any state), or None."""
    if not secret or len(secret) > 100:
        return None
    return (
        Invitation.objects.filter(token_hash=invitation_hash(secret))
        .select_related("organization", "invited_by")
        .first()
    )


def invitation_open_for(organization: Organization, email: str) -> Invitation | None:
    """The open, unexpired invitation of ``email`` to ``organization`` (single sign-on asks
    this before making an account for someone who signs in for the first time)."""
    return (
        invitations_open(organization)
        .filter(email__iexact=(email or "").strip(), expires_at__gt=timezone.now())
        .first()
    )


def invitation_state(invitation: Invitation, now=None) -> str:
    """``open``, ``expired``, ``revoked`` or ``accepted``."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= (now or timezone.now()):
        return "expired"
    return "open"


def invitation_rows_check(organization: Organization, rows: list[Row]) -> list[Row]:
    """The rows with what the database says added to their errors: an address that is already
    someone's or already invited, a team that does not exist (or is ambiguous); and each team
    found by name in ``unit_id``. Three queries, however many rows."""
    emails = [row.email for row in rows if row.email]
    people = {
        email.lower(): organization_id
        for email, organization_id in Person.objects.filter(email__in=emails).values_list(
            "email", "organization_id"
        )
    }
    now = timezone.now()
    invited = {
        email.lower(): sent_at
        for email, sent_at in invitations_open(organization)
        .filter(email__in=emails, expires_at__gt=now)
        .values_list("email", "sent_at")
    }
    teams: dict[str, list] = defaultdict(list)
    for unit_id, name in (
        Unit.objects.filter(organization=organization, archived_at__isnull=True)
        .exclude(kind=Unit.Kind.COMPANY)
        .values_list("id", "name")
    ):
        teams[name.lower()].append(unit_id)
    out = []
    for row in rows:
        if row.email in people:
            row = row.refused(
                f"{row.email} is already in {organization.name}."
                if people[row.email] == organization.pk
                else "Someone already signs in to Cadence with this address."
            )
        elif row.email in invited:
            row = row.refused(
                f"{row.email} was invited on {invited[row.email]:%d %b %Y}; resend that "
                "invitation instead."
            )
        if row.team:
            found = teams.get(row.team.lower(), [])
            if not found:
                row = row.refused(f"There is no team called {row.team!r}.")
            elif len(found) > 1:
                row = row.refused(f"Several units are called {row.team!r}; rename one first.")
            else:
                row = replace(row, unit_id=found[0])
        out.append(row)
    return out
