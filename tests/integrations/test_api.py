"""/api/v1/webhooks: admins register, read, switch off, test and delete webhooks; the secret is
answered once; everyone else is refused (403), another organization's webhook is missing (404)."""

import uuid

import pytest
from django.utils import timezone

from cadence.integrations import services
from cadence.integrations.models import WebhookDelivery, WebhookEndpoint
from tests import factories as f
from tests.api.conftest import Api, errors_of


@pytest.fixture
def admin_api(org_admin):
    return Api(org_admin[1])


def test_create_answers_the_id_and_the_secret_once(admin_api, receiver):
    response = admin_api.post(
        "/webhooks", {"url": f"{receiver.url}/in", "events": ["check_in.created"]}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    endpoint = WebhookEndpoint.objects.get()
    assert body["id"] == str(endpoint.pk) and body["secret"] == endpoint.secret
    assert body["events"] == ["check_in.created"] and body["active"] is True
    # Never again.
    listed = admin_api.get("/webhooks").json()
    assert [w["id"] for w in listed] == [body["id"]] and "secret" not in listed[0]
    one = admin_api.get(f"/webhooks/{body['id']}")
    assert one.status_code == 200 and "secret" not in one.json()
    assert endpoint.secret not in one.content.decode()


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"url": "ftp://127.0.0.1/", "events": ["cycle.closed"]}, "url"),
        ({"url": "", "events": ["cycle.closed"]}, "url"),
        ({"url": "https://127.0.0.1/", "events": []}, "events"),
        ({"url": "https://127.0.0.1/", "events": ["kpi.out_of_band"]}, "events"),
        ({"url": "https://127.0.0.1/" + "a" * 2000, "events": ["cycle.closed"]}, "url"),
        ({"url": "https://127.0.0.1/", "events": ["cycle.closed"], "secret": "mine"}, "secret"),
    ],
)
def test_bad_input_is_422(admin_api, allow_private, payload, field):
    response = admin_api.post("/webhooks", payload)
    assert response.status_code == 422, response.content
    assert any(name.split(".")[0] == field for name in errors_of(response))
    assert not WebhookEndpoint.objects.exists()


def test_a_loopback_address_is_422_when_private_outbound_is_not_allowed(admin_api, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    response = admin_api.post(
        "/webhooks", {"url": "http://127.0.0.1:8000/", "events": ["cycle.closed"]}
    )
    assert response.status_code == 422
    assert "ALLOW_PRIVATE_OUTBOUND" in errors_of(response)["url"][0]


def test_switch_off_test_log_and_delete(admin_api, org_admin, receiver):
    created = admin_api.post(
        "/webhooks", {"url": f"{receiver.url}/in", "events": ["cycle.closed"]}
    ).json()
    receiver.secret = created["secret"]
    path = f"/webhooks/{created['id']}"
    test = admin_api.post(f"{path}/test")
    assert test.status_code == 202 and test.json()["state"] == "pending"
    assert receiver.received == []  # queued, not sent by the request
    services.worker_turn(now=timezone.now())
    log = admin_api.get(f"{path}/deliveries").json()
    assert [(d["event"], d["state"], d["response_code"]) for d in log] == [
        ("ping", "delivered", 200)
    ]
    assert receiver.received[0].signature_valid
    assert admin_api.patch(path, {"active": 0}).status_code == 422  # true or false only
    assert admin_api.get(path).json()["active"] is True
    off = admin_api.patch(path, {"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert admin_api.post(f"{path}/test").status_code == 409
    events = admin_api.patch(path, {"events": ["check_in.created", "cycle.closed"]})
    assert events.json()["events"] == ["check_in.created", "cycle.closed"]
    assert admin_api.delete(path).status_code == 204
    assert admin_api.get(path).status_code == 404
    assert not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_only_admins_use_the_webhooks_api(org_admin, allow_private, role):
    org, admin = org_admin
    endpoint, _ = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/", events=["cycle.closed"]
    )
    api = Api(f.make_person(org, role=role))
    path = f"/webhooks/{endpoint.pk}"
    assert api.get("/webhooks").status_code == 403
    assert (
        api.post(
            "/webhooks", {"url": "http://127.0.0.1:9/", "events": ["cycle.closed"]}
        ).status_code
        == 403
    )
    assert api.get(path).status_code == 403
    assert api.patch(path, {"active": False}).status_code == 403
    assert api.post(f"{path}/test").status_code == 403
    assert api.get(f"{path}/deliveries").status_code == 403
    assert api.delete(path).status_code == 403
    endpoint.refresh_from_db()
    assert endpoint.active and WebhookEndpoint.objects.count() == 1
    assert not WebhookDelivery.objects.exists()


def test_another_organizations_webhook_is_404(org_admin, allow_private):
    _, admin = org_admin
    endpoint, secret = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/secret-hook", events=["cycle.closed"]
    )
    intruder = Api(f.make_org("Other")[1])
    path = f"/webhooks/{endpoint.pk}"
    for response in (
        intruder.get(path),
        intruder.patch(path, {"active": False}),
        intruder.post(f"{path}/test"),
        intruder.get(f"{path}/deliveries"),
        intruder.delete(path),
        intruder.get(f"/webhooks/{uuid.uuid4()}"),
    ):
        assert response.status_code == 404
        assert "secret-hook" not in response.content.decode()
    assert intruder.get("/webhooks").json() == []
    endpoint.refresh_from_db()
    assert endpoint.active and not WebhookDelivery.objects.exists()


def test_without_credentials_it_is_401(db):
    assert Api().get("/webhooks").status_code == 401
    assert Api().post("/webhooks", {"url": "https://x.test/", "events": []}).status_code == 401
