"""Each integration can be switched off for the whole organization (Settings → Integrations):
off, it sends and receives nothing, and its connections are kept for when it is back on."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from cadence.audit.models import Event
from cadence.integrations import services
from cadence.integrations.models import WebhookDelivery
from cadence.okrs import services as okr_services
from cadence.orgs import services as org_services
from cadence.orgs.models import Organization
from tests import factories as f


def _switch(client, name, on):
    data = {"name": name, "active": "on"} if on else {"name": name}
    return client.post(reverse("integration_switch"), data)


def test_an_admin_switches_each_integration_off_and_on_from_the_page(client, org_admin):
    org, admin = org_admin
    client.force_login(admin)
    page = client.get(reverse("integrations")).content.decode()
    for name in Organization.INTEGRATIONS:
        assert f'name="name" value="{name}"' in page
        assert _switch(client, name, on=False).status_code == 302
        org.refresh_from_db()
        assert not org.integration_on(name)
        assert _switch(client, name, on=True).status_code == 302
        org.refresh_from_db()
        assert org.integration_on(name)
    switched = Event.objects.filter(
        organization_id=org.pk, kind="organization.integration_switched"
    )
    assert switched.count() == 2 * len(Organization.INTEGRATIONS)


def test_only_admins_switch_and_only_known_integrations_by_post(client, org_admin):
    org, _ = org_admin
    member = f.make_person(org)
    client.force_login(member)
    assert _switch(client, "webhooks", on=False).status_code == 403
    org.refresh_from_db()
    assert org.webhooks_on
    client.force_login(org_admin[1])
    assert _switch(client, "fax", on=False).status_code == 404
    assert client.get(reverse("integration_switch")).status_code == 405
    with pytest.raises(Exception, match="no such integration"):
        org_services.organization_integration_switch(
            actor=org_admin[1], organization=org, integration="fax", on=False
        )


def _check_in(okrs, value):
    return okr_services.check_in_create(
        actor=okrs["admin"], key_result=okrs["kr"], value=value, confidence="on_track"
    )


def test_webhooks_switched_off_queue_nothing_and_send_nothing(okrs, hook, receiver):
    org, admin = okrs["org"], okrs["admin"]
    _check_in(okrs, 20)  # queued while on
    org_services.organization_integration_switch(
        actor=admin, organization=org, integration="webhooks", on=False
    )
    _check_in(okrs, 30)  # not queued while off
    assert WebhookDelivery.objects.filter(endpoint=hook).count() == 1
    assert services.worker_turn(now=timezone.now()) == ""
    assert receiver.received == []  # the one queued before waits
    org_services.organization_integration_switch(
        actor=admin, organization=org, integration="webhooks", on=True
    )
    services.worker_turn(now=timezone.now())
    (got,) = receiver.received
    assert got.signature_valid and json.loads(got.body)["check_in"]["value"] == 20
