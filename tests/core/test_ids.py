"""``UUIDText``: a UUID column as Python's ``str(uuid)`` spells it, on either database."""

import pytest

from cadence.core.ids import UUIDText
from cadence.orgs.models import Person

pytestmark = pytest.mark.django_db


def test_a_uuid_column_reads_as_python_spells_it(org, admin, member):
    rows = Person.objects.filter(organization=org).annotate(text=UUIDText("id"))
    found = {p.pk: p.text for p in rows}
    assert found and all(text == str(pk) for pk, text in found.items())
    # And it compares whole, as a key built from it would.
    assert (
        Person.objects.filter(pk=member.pk, id__isnull=False)
        .annotate(text=UUIDText("id"))
        .filter(text=str(member.pk))
        .exists()
    )
