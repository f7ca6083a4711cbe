"""Settings → Integrations: admins add a webhook (its secret shown once), switch it off and on,
send a test, read its delivery log with the answers' status codes, delete it."""

import re

import pytest
from django.utils import timezone

from cadence.integrations import services
from cadence.integrations.models import WebhookDelivery, WebhookEndpoint
from tests import factories as f
from tests.integrations.conftest import ALL_EVENTS


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin[1])
    return client


def test_the_settings_index_links_to_integrations_for_admins(admin_client, client, org_admin):
    assert 'href="/settings/integrations/"' in admin_client.get("/settings/").content.decode()
    member = f.make_person(org_admin[0])
    client.force_login(member)
    assert "/settings/integrations/" not in client.get("/settings/").content.decode()
    assert client.get("/settings/integrations/").status_code == 403


def test_an_admin_adds_a_webhook_and_sees_its_secret_once(admin_client, receiver):
    response = admin_client.post(
        "/settings/integrations/",
        {"url": f"{receiver.url}/in", "events": ["check_in.created", "cycle.closed"]},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    page = response.content.decode()
    assert endpoint.secret in page and "no-store" in response["Cache-Control"]
    assert endpoint.events == ["check_in.created", "cycle.closed"]
    again = admin_client.get("/settings/integrations/").content.decode()
    assert endpoint.url in again and endpoint.secret not in again


def test_a_bad_address_is_said_at_the_field(admin_client, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    response = admin_client.post(
        "/settings/integrations/", {"url": "http://127.0.0.1:9/", "events": ["cycle.closed"]}
    )
    assert response.status_code == 422
    assert "ALLOW_PRIVATE_OUTBOUND" in response.content.decode()
    response = admin_client.post("/settings/integrations/", {"url": "https://x.test/"})
    assert "Choose at least one event" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_switch_off_on_test_log_and_delete(admin_client, org_admin, receiver):
    endpoint, secret = services.webhook_create(
        actor=org_admin[1], url=f"{receiver.url}/in", events=ALL_EVENTS
    )
    receiver.secret = secret
    base = f"/settings/integrations/webhooks/{endpoint.pk}"
    response = admin_client.post(f"{base}/test/")
    assert response.status_code == 302 and response["Location"] == f"{base}/"
    assert receiver.received == []
    receiver.answers = [500]
    services.worker_turn(now=timezone.now())
    log = admin_client.get(f"{base}/").content.decode()
    assert "The endpoint answered 500." in log and re.search(r"<td>\s*500", log)
    services.worker_turn(now=timezone.now() + services.LEASE)
    log = admin_client.get(f"{base}/").content.decode()
    assert re.search(r"<td>\s*200", log) and "Delivered" in log
    assert receiver.received[-1].signature_valid

    admin_client.post(f"{base}/active/")
    endpoint.refresh_from_db()
    assert not endpoint.active
    page = admin_client.get("/settings/integrations/").content.decode()
    assert "Switched off" in page and f"{base}/test/" not in page
    admin_client.post(f"{base}/active/", {"active": "on"})
    endpoint.refresh_from_db()
    assert endpoint.active
    admin_client.post(f"{base}/delete/")
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


def test_the_buttons_take_only_posts_and_only_from_admins(client, org_admin, allow_private):
    org, admin = org_admin
    endpoint, _ = services.webhook_create(actor=admin, url="http://127.0.0.1:9/", events=ALL_EVENTS)
    base = f"/settings/integrations/webhooks/{endpoint.pk}"
    client.force_login(admin)
    assert client.get(f"{base}/delete/").status_code == 405
    client.force_login(f.make_person(org))
    for action in ("active", "test", "delete"):
        assert client.post(f"{base}/{action}/").status_code == 403
    assert client.get(f"{base}/").status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.active and not WebhookDelivery.objects.exists()
