import pytest

from cadence.audit import kinds


@pytest.fixture
def every_kind_catalogued(request):
    """After the test, every event recorded is of a kind the catalogue (the page's filter) names
    (modules use it with ``pytest.mark.usefixtures``)."""
    yield
    from cadence.audit.models import Event

    try:
        recorded = set(Event.objects.values_list("kind", flat=True))
    except Exception:  # the test's database is already gone (transaction=True tests)
        return
    assert recorded <= set(kinds.KINDS), recorded - set(kinds.KINDS)
