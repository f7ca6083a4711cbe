"""What scheduling removes when a person is erased (``orgs.hooks.person_erased``)."""

from __future__ import annotations

from cadence.orgs.models import Person
from cadence.scheduling.models import DigestSubscription, ExternalSubscriber


def person_erased(*, person: Person, email: str, name: str) -> set[str]:
    """Their digest subscriptions, and the organization's external subscriptions of their
    address (a leaver an admin subscribed as an adviser)."""
    DigestSubscription.objects.filter(person=person).delete()
    ExternalSubscriber.objects.filter(
        organization_id=person.organization_id, email__iexact=email
    ).delete()
    return set()
