"""The organization's sign-in policy: reading it and setting it (admins only)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef

from cadence.accounts.models import SignInPolicy
from cadence.audit.services import audit_record
from cadence.orgs.models import Organization, Person


def requires_two_factor(organization_id) -> bool:
    """One indexed query per signed-in request (the middleware asks on every page); not cached,
    so that a change is seen at once by every server process and query counts stay constant."""
    return SignInPolicy.objects.filter(
        organization_id=organization_id, require_two_factor=True
    ).exists()


def _two_factor_required(organization_ref: str) -> Exists:
    return Exists(
        SignInPolicy.objects.filter(
            organization_id=OuterRef(organization_ref), require_two_factor=True
        )
    )


def person_with_organization(person_id) -> Person | None:
    """The signed-in person with their organization and its ``requires_two_factor`` (one query:
    the session middleware's read of ``request.user``, whose pages all read the organization and
    whose two-factor middleware reads the policy)."""
    person = (
        Person.objects.select_related("organization")
        .annotate(organization_requires_two_factor=_two_factor_required("organization_id"))
        .filter(pk=person_id)
        .first()
    )
    if person is not None:
        person.organization.requires_two_factor = person.organization_requires_two_factor
    return person


def organization_with_policy(organization_id) -> Organization | None:
    """The organization, with ``requires_two_factor`` read in the same query (the middleware's
    one query per signed-in request: it hands the organization to ``request.user``, whose pages
    all read it)."""
    return (
        Organization.objects.filter(pk=organization_id)
        .annotate(requires_two_factor=_two_factor_required("pk"))
        .first()
    )


@transaction.atomic
def sign_in_policy_set(
    *, actor: Person, organization: Organization, require_two_factor: bool
) -> None:
    if not actor.is_admin or actor.organization_id != organization.id:
        raise PermissionDenied("Only an admin of the organization changes its sign-in policy.")
    before = requires_two_factor(organization.id)
    SignInPolicy.objects.update_or_create(
        organization=organization, defaults={"require_two_factor": require_two_factor}
    )
    if before != require_two_factor:
        audit_record(
            organization=organization,
            kind="organization.sign_in_policy_changed",
            actor=actor,
            target=organization,
            changes={"require_two_factor": [before, require_two_factor]},
        )
