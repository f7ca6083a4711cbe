"""What mail removes when a person is erased (``orgs.hooks.person_erased``)."""

from __future__ import annotations

from django.db.models import Q

from cadence.mail.models import Delivery
from cadence.orgs.models import Person


def person_erased(*, person: Person, email: str, name: str) -> set[str]:
    """The emails to them, sent or not: their text names them, and the erased person gets
    no email any more."""
    Delivery.objects.filter(Q(person=person) | Q(to_address__iexact=email)).delete()
    return set()
