"""The inbound webhooks through django-anymail's views: Mailgun (signed posts of the whole
message) and Postmark (JSON, basic-auth secret). A post without the right signature or secret
adds nothing; a provider's retry of the same message adds nothing again."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from django.urls import reverse

from cadence.mailin.models import ReceivedReply
from tests.mailin.conftest import eml, items_of, token_for

SIGNING_KEY = "key-0123456789abcdef0123456789abcdef"
SECRET = "cadence:s3cret-webhook-password"


@pytest.fixture
def anymail(settings):
    """Mailgun signs its posts; with ANYMAIL_WEBHOOK_SECRET set it would need that too (as
    Postmark does), so the Mailgun tests run with the signing key alone."""
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY, "WEBHOOK_SECRET": None}
    return settings


@pytest.fixture
def postmark(settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": None, "WEBHOOK_SECRET": SECRET}
    return settings


def mailgun_post(client, raw: bytes, *, key: str = SIGNING_KEY, recipient: str = ""):
    timestamp, token = str(int(time.time())), "9b1c6d9e0a4f4c4e8a2a1f0c7d3e5b6a8c9d0e1f2a3b4c5d6e"
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256).hexdigest()
    return client.post(
        reverse("mailin_mailgun"),
        {
            "body-mime": raw.decode("utf-8"),
            "recipient": recipient,
            "sender": "mia.member@acme.example",
            "timestamp": timestamp,
            "token": token,
            "signature": signature,
        },
    )


def test_mailgun_a_signed_post_adds_the_reply_once(client, mia, anymail):
    raw = eml("gmail.eml", mia)
    assert mailgun_post(client, raw).status_code == 200
    assert len(items_of(mia)) == 5
    assert ReceivedReply.objects.get().via == ReceivedReply.Via.WEBHOOK
    assert mailgun_post(client, raw).status_code == 200  # Mailgun retries: nothing more
    assert len(items_of(mia)) == 5


def test_mailgun_a_wrong_signature_is_refused_and_adds_nothing(client, mia, anymail):
    response = mailgun_post(client, eml("gmail.eml", mia), key="key-not-the-right-one")
    assert response.status_code == 400
    assert items_of(mia) == [] and not ReceivedReply.objects.exists()


def test_mailgun_a_forged_token_is_accepted_as_a_post_and_adds_nothing(client, mia, anymail):
    # The provider's post is genuine; the message in it is not Mia's reply: answered 200 so the
    # provider does not retry, and nothing is added.
    assert mailgun_post(client, eml("gmail.eml", token="a" * 48)).status_code == 200
    assert items_of(mia) == []


def test_mailgun_the_envelope_recipient_names_the_reply_address(client, mia, anymail):
    address = f"updates+{token_for(mia)}@replies.acme.example"
    raw = eml("outlook_html.eml", mia).replace(address.encode(), b"team@acme.example")
    assert mailgun_post(client, raw, recipient=address).status_code == 200
    assert len(items_of(mia)) == 3


def _postmark_payload(mia) -> dict:
    address = f"updates+{token_for(mia)}@replies.acme.example"
    return {
        "FromName": "Mia Member",
        "From": "mia.member@acme.example",
        "FromFull": {"Email": "mia.member@acme.example", "Name": "Mia Member"},
        "To": f"Cadence <{address}>",
        "ToFull": [{"Email": address, "Name": "Cadence"}],
        "OriginalRecipient": address,
        "Subject": "Re: Reminder: your 2026-W48 update for Product is due Friday 17:00",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "Date": "Mon, 23 Nov 2026 12:14:03 +0100",
        "TextBody": "Write the launch FAQ\n\nProgress:\n- Fixed the flaky test\n\n"
        "On Mon, Nov 23, 2026 at 11:00 AM Cadence <cadence@acme.example> wrote:\n> Hello",
        "HtmlBody": "",
        "StrippedTextReply": "",
        "Headers": [
            {"Name": "Message-ID", "Value": "<CAF2pTq9w@mail.gmail.com>"},
            {"Name": "X-Spam-Status", "Value": "No"},
        ],
        "Attachments": [],
    }


def _basic(secret: str) -> str:
    return "Basic " + base64.b64encode(secret.encode()).decode()


def test_postmark_with_the_secret_adds_the_reply(client, mia, postmark):
    response = client.post(
        reverse("mailin_postmark"),
        json.dumps(_postmark_payload(mia)),
        content_type="application/json",
        HTTP_AUTHORIZATION=_basic(SECRET),
    )
    assert response.status_code == 200
    assert items_of(mia) == [
        ("plans", "Write the launch FAQ"),
        ("progress", "Fixed the flaky test"),
    ]


def test_postmark_without_the_secret_is_refused(client, mia, postmark):
    for headers in ({}, {"HTTP_AUTHORIZATION": _basic("cadence:wrong")}):
        response = client.post(
            reverse("mailin_postmark"),
            json.dumps(_postmark_payload(mia)),
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 400
    assert items_of(mia) == []


def test_an_unconfigured_provider_is_not_there(client, mia, settings):
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": None, "WEBHOOK_SECRET": None}
    assert mailgun_post(client, eml("gmail.eml", mia)).status_code == 404
    response = client.post(reverse("mailin_postmark"), "{}", content_type="application/json")
    assert response.status_code == 404
    assert items_of(mia) == []
