"""What calendars removes when a person is erased (``orgs.hooks.person_erased``)."""

from __future__ import annotations

from django.utils import timezone

from cadence.calendars.models import CalendarFeed
from cadence.orgs.models import Person


def person_erased(*, person: Person, email: str, name: str) -> set[str]:
    """Their own feeds go (like their API tokens); the team feeds they made, which stopped when
    they left, are revoked so that their addresses answer 410 Gone."""
    CalendarFeed.objects.filter(person=person).delete()
    CalendarFeed.objects.filter(created_by=person, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return set()
