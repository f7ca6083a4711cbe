"""Against a real SMTP server on 127.0.0.1 (tests/mail/smtp.py): a request that mentions
someone talks to no mail server at all, so a mail server that refuses cannot fail it or slow it
down; the worker's turn meets the refusal, records it, and sends the email once the server
takes mail again."""

import time
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from cadence.feed import services as feed_services
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.scheduling import services as scheduling_services
from tests.mail.smtp import SMTPServer


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = 10
        yield server


def mentions(server) -> list:
    return [m for m in server.messages if m["X-Cadence-Kind"] == "mention"]


def test_a_refusing_mail_server_neither_fails_nor_slows_the_request_and_the_email_follows(
    client, member, lena, objective, smtp
):
    client.force_login(member)
    url = reverse("objective_comments", args=[objective.pk])
    back = reverse("objective_detail", args=[objective.pk])
    started = time.monotonic()
    response = client.post(url, {"text": "@lena.okafor can you check?", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert time.monotonic() - started < 5  # no mail server's timeout on the way
    assert smtp.connections == 0  # the request did no SMTP at all
    queued = Delivery.objects.get()
    assert (queued.kind, queued.person, queued.sent_at) == ("mention", lena, None)

    # The worker's turn meets the refusal: recorded on the claim, nothing sent.
    turn = scheduling_services.tick()
    assert turn.queued.failed == 1 and turn.queued.total_sent == 0
    assert smtp.connections >= 1 and mentions(smtp) == []
    queued.refresh_from_db()
    assert queued.sent_at is None and "refuses all mail" in queued.last_error

    # The server takes mail again; the claim waits for its lease, then the email goes once.
    smtp.refusing = False
    assert scheduling_services.tick().queued.total_sent == 0
    Delivery.objects.filter(pk=queued.pk).update(
        claimed_at=F("claimed_at") - mail_services.LEASE - timedelta(seconds=1)
    )
    assert scheduling_services.tick().queued.sent == {"mention": 1}
    (message,) = mentions(smtp)
    assert message["To"] == lena.email and "can you check?" in message.as_string()
    assert scheduling_services.tick().queued.total_sent == 0 and len(mentions(smtp)) == 1
    queued.refresh_from_db()
    assert queued.sent_at is not None and queued.attempts == 2 and queued.last_error == ""


def test_one_turn_sends_its_queued_emails_over_one_connection(member, lena, omar, objective, smtp):
    smtp.refusing = False
    feed_services.comment_create(actor=member, target=objective, text="@lena.okafor @omar.haddad")
    feed_services.comment_create(actor=member, target=objective, text="@omar.haddad again")
    assert smtp.connections == 0
    assert mail_services.deliveries_send_queued().sent == {"mention": 3}
    assert smtp.connections == 1
    assert sorted(m["To"] for m in mentions(smtp)) == sorted([lena.email] + [omar.email] * 2)
