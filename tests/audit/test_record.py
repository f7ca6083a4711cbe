"""The audit trail's writer: who, what, before → after, from where; kept with its change or not
at all; never changed afterwards."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from cadence.audit.context import AuditOriginMiddleware, current_origin
from cadence.audit.models import AppendOnly, Event
from cadence.audit.services import audit_record, changes_between, snapshot
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_changes_keep_only_what_differs_in_readable_form():
    before = {"name": "Sales", "target": Decimal("10.0"), "due": dt.date(2027, 3, 31), "x": 1}
    after = {"name": "Sales EMEA", "target": Decimal("12.5"), "due": dt.date(2027, 3, 31), "x": 1}
    assert changes_between(before, after) == {
        "name": ["Sales", "Sales EMEA"],
        "target": ["10.0", "12.5"],
    }
    assert changes_between({}, {"role": "admin"}) == {"role": [None, "admin"]}
    long = changes_between({"d": ""}, {"d": "x" * 2000})["d"][1]
    assert len(long) == 500 and long.endswith("…")


def test_an_event_names_actor_target_and_origin_of_the_request():
    org, admin = f.make_org()
    unit = f.make_unit(org, "Platform")
    seen = {}

    def view(request):
        seen["origin"] = current_origin()
        audit_record(
            organization=org,
            kind="unit.renamed",
            actor=admin,
            target=unit,
            changes=changes_between({"name": "Platfrom"}, snapshot(unit, ["name"])),
        )
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Firefox")
    AuditOriginMiddleware(view)(request)
    event = Event.objects.get(kind="unit.renamed")  # (make_unit recorded unit.created)
    assert (event.organization, event.actor, event.kind) == (org, admin, "unit.renamed")
    assert event.actor_label == f"{admin.name} <{admin.email}>"
    assert (event.target_type, event.target_id, event.target_label) == (
        "orgs.unit",
        str(unit.pk),
        str(unit),
    )
    assert event.changes == {"name": ["Platfrom", "Platform"]}
    assert (event.ip_address, event.user_agent) == ("203.0.113.9", "Firefox")
    # Outside a request (command line, worker): no address.
    assert current_origin().ip_address is None
    other = audit_record(organization=org, kind="unit.created", target=unit)
    assert other.ip_address is None and other.actor is None and other.actor_label == ""


def test_a_bad_remote_address_is_kept_as_none():
    org, admin = f.make_org()

    def view(request):
        audit_record(organization=org, kind="signin.succeeded", actor=admin)
        return HttpResponse()

    AuditOriginMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="unix:/run/x.sock"))
    assert Event.objects.get().ip_address is None


def test_an_event_is_rolled_back_with_its_change():
    org, admin = f.make_org()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(organization=org, kind="person.deactivated", actor=admin, target=admin)
        raise RuntimeError("the change failed")
    assert not Event.objects.exists()


def test_events_are_append_only():
    org, admin = f.make_org()
    event = audit_record(organization=org, kind="token.created", actor=admin)
    event.kind = "token.revoked"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        Event.objects.filter(pk=event.pk).update(kind="x")
    with pytest.raises(AppendOnly):
        Event.objects.all().delete()
    assert Event.objects.get().kind == "token.created"


def test_behind_a_proxy_the_address_is_the_one_sign_in_throttling_reads(settings):
    """CLIENT_IP_HEADER names the proxy's header: its last entry, as accounts/throttle.py."""
    org, admin = f.make_org()
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"

    def view(request):
        audit_record(organization=org, kind="signin.succeeded", actor=admin)
        return HttpResponse()

    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23"
    )
    AuditOriginMiddleware(view)(request)
    AuditOriginMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2"))
    assert [e.ip_address for e in Event.objects.order_by("created_at", "id")] == [
        "198.51.100.23",
        "10.0.0.2",
    ]
