"""The worker's sends, received by a real HTTP server on 127.0.0.1 that checks each signature
itself: success, retries with backoff, giving up, redirects, refused addresses, the log."""

import json
from datetime import timedelta

import time_machine
from django.utils import timezone

from cadence.integrations import events, services
from cadence.integrations.models import WebhookDelivery, WebhookEndpoint
from cadence.okrs import services as okr_services
from cadence.scheduling import services as scheduling_services
from tests.integrations.conftest import ALL_EVENTS


def _check_in(okrs, value=40):
    return okr_services.check_in_create(
        actor=okrs["admin"], key_result=okrs["kr"], value=value, confidence="on_track"
    )


def test_a_check_in_reaches_the_receiver_signed(okrs, hook, receiver):
    check_in = _check_in(okrs)
    assert not receiver.received  # nothing is sent during the change itself
    line = services.worker_turn(now=timezone.now())
    assert line == "Webhooks: 1 delivery sent."
    (got,) = receiver.received
    delivery = WebhookDelivery.objects.get()
    assert got.path == "/hooks/cadence"
    assert got.signature_valid
    assert got.headers["x-cadence-event"] == "check_in.created"
    assert got.headers["x-cadence-delivery"] == str(delivery.pk)
    assert got.headers["content-type"] == "application/json"
    assert got.body == delivery.payload.encode()  # the exact bytes that were signed
    assert got.json["check_in"]["id"] == str(check_in.pk)
    assert got.json["organization_id"] == str(okrs["org"].pk)
    assert (delivery.state, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)
    assert delivery.sent_at is not None
    # Sent once: the next turn has nothing to do.
    assert services.worker_turn(now=timezone.now()) == ""
    assert len(receiver.received) == 1
    hook.refresh_from_db()
    assert hook.last_success_at is not None and hook.failures_in_a_row == 0


def test_a_signature_made_with_another_secret_is_told_apart(okrs, hook, receiver):
    """The receiver's check can fail: with the wrong secret it refuses the same delivery."""
    receiver.secret = "not-the-secret"
    _check_in(okrs)
    services.worker_turn(now=timezone.now())
    (got,) = receiver.received
    assert not got.signature_valid


def test_the_worker_turn_sends_webhooks(okrs, hook, receiver):
    """scheduling.tick calls the worker_turn listeners: the integrations app answers."""
    _check_in(okrs)
    summary = scheduling_services.tick(timezone.now())
    assert "Webhooks: 1 delivery sent." in str(summary)
    assert len(receiver.received) == 1 and receiver.received[0].signature_valid


def test_a_failed_attempt_is_retried_after_a_growing_wait(okrs, hook, receiver):
    receiver.answers = [500, 503]
    _check_in(okrs)
    now = timezone.now()
    assert services.worker_turn(now=now) == "Webhooks: 0 deliveries sent, 1 to be retried."
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert delivery.last_error == "The endpoint answered 500."
    assert delivery.next_attempt_at == now + timedelta(minutes=1)
    # Not before its time.
    assert services.worker_turn(now=now + timedelta(seconds=59)) == ""
    assert len(receiver.received) == 1
    later = now + timedelta(minutes=1)
    services.worker_turn(now=later)
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_code) == (2, 503)
    assert delivery.next_attempt_at == later + timedelta(minutes=2)  # doubled
    hook.refresh_from_db()
    assert hook.failures_in_a_row == 2
    services.worker_turn(now=later + timedelta(minutes=2))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert delivery.last_error == ""
    assert len(receiver.received) == 3
    # The same delivery each time: same id, same body, each signed.
    assert {r.headers["x-cadence-delivery"] for r in receiver.received} == {str(delivery.pk)}
    assert len({r.body for r in receiver.received}) == 1
    assert all(r.signature_valid for r in receiver.received)
    hook.refresh_from_db()
    assert hook.failures_in_a_row == 0


def test_a_delivery_is_given_up_after_the_last_attempt(okrs, hook, receiver):
    receiver.answers = [500] * events.MAX_ATTEMPTS
    _check_in(okrs)
    now = timezone.now()
    for _ in range(events.MAX_ATTEMPTS):
        services.worker_turn(now=now)
        now += events.CAP
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("failed", events.MAX_ATTEMPTS)
    assert f"Given up after {events.MAX_ATTEMPTS} attempts" in delivery.last_error
    assert services.worker_turn(now=now + events.CAP) == ""
    assert len(receiver.received) == events.MAX_ATTEMPTS


def test_the_waits_double_up_to_a_cap():
    waits = [events.wait_after(n) for n in range(1, 12)]
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert all(a <= b for a, b in zip(waits, waits[1:], strict=False))
    assert max(waits) == events.CAP and events.wait_after(10_000) == events.CAP


def test_a_redirect_is_not_followed(okrs, hook, receiver):
    receiver.answers = [302]
    _check_in(okrs)
    services.worker_turn(now=timezone.now())
    assert [r.path for r in receiver.received] == ["/hooks/cadence"]  # never /followed
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.response_code == 302
    assert "Redirects are not followed" in delivery.last_error


def test_a_loopback_address_is_not_called_once_private_outbound_is_refused(
    okrs, hook, receiver, settings
):
    """Allowed when the webhook was saved, refused when the worker sends (the operator changed
    the setting): the request never leaves, and the log says why."""
    settings.ALLOW_PRIVATE_OUTBOUND = False
    _check_in(okrs)
    services.worker_turn(now=timezone.now())
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.state == "pending" and delivery.response_code is None
    assert "private or local address" in delivery.last_error


def test_a_dead_endpoint_is_tried_once_per_turn(okrs, hook, receiver):
    receiver.answers = [500] * 10
    for value in (1, 2, 3):
        _check_in(okrs, value)
    services.worker_turn(now=timezone.now())
    assert len(receiver.received) == 1  # the two others wait for the next turn
    assert WebhookDelivery.objects.filter(attempts=0).count() == 2


def test_the_test_button_sends_a_ping(okrs, hook, receiver):
    services.webhook_test(actor=okrs["admin"], endpoint=hook)
    services.worker_turn(now=timezone.now())
    (got,) = receiver.received
    assert got.signature_valid and got.headers["x-cadence-event"] == "ping"
    assert got.json["webhook"]["id"] == str(hook.pk)


def test_deliveries_of_a_webhook_switched_off_after_the_claim_are_not_sent(okrs, hook, receiver):
    _check_in(okrs)
    WebhookEndpoint.objects.filter(pk=hook.pk).update(active=False)  # between queue and send
    services.worker_turn(now=timezone.now())
    assert receiver.received == []
    assert WebhookDelivery.objects.get().state == "failed"


def test_a_claim_whose_worker_died_is_taken_again_after_its_lease(okrs, hook, receiver):
    _check_in(okrs)
    now = timezone.now()
    delivery = WebhookDelivery.objects.get()
    assert services.delivery_claim(delivery_id=delivery.pk, now=now) is not None  # then it died
    assert services.worker_turn(now=now + timedelta(minutes=1)) == ""  # still held
    services.worker_turn(now=now + services.LEASE + timedelta(seconds=1))
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)
    assert len(receiver.received) == 1


def test_old_delivered_rows_leave_the_log(okrs, hook, receiver):
    _check_in(okrs)
    services.worker_turn(now=timezone.now())
    receiver.answers = [500]
    _check_in(okrs, 2)
    services.worker_turn(now=timezone.now())
    assert WebhookDelivery.objects.count() == 2
    with time_machine.travel(timezone.now() + timedelta(days=services.LOG_DAYS + 1)):
        line = services.worker_turn(now=timezone.now())
    assert line == "Webhooks: 1 delivery sent; 1 old log entry removed."
    # The delivered one is gone; the one still being retried stays (then it is delivered).
    remaining = WebhookDelivery.objects.get()
    assert json.loads(remaining.payload)["check_in"]["value"] == 2
    assert remaining.state == "delivered"


def test_a_webhook_for_other_events_receives_nothing(okrs, receiver):
    endpoint, secret = services.webhook_create(
        actor=okrs["admin"], url=f"{receiver.url}/only-cycles", events=["cycle.closed"]
    )
    receiver.secret = secret
    _check_in(okrs)
    services.worker_turn(now=timezone.now())
    assert receiver.received == []
    assert set(ALL_EVENTS) >= set(endpoint.events)
