"""Settings → Integrations → Replies by email: the road in as the admin sees it, and a test email
whose answer takes that road (a real SMTP server on 127.0.0.1, the answer processed as any)."""

import email
from email import policy
from email.message import EmailMessage

from django.urls import reverse

from cadence.mail.services import deliveries_send_queued
from cadence.mailin import services
from cadence.mailin.models import ReceivedReply
from cadence.orgs import services as org_services
from tests import factories as f
from tests.mailin.conftest import REPLY_ADDRESS, items_of


def test_the_page_shows_the_road_and_is_for_admins(client, org, admin, reply_settings):
    client.force_login(admin)
    page = client.get(reverse("mailin_settings")).content.decode()
    assert REPLY_ADDRESS in page and "None yet." in page
    client.force_login(f.make_person(org))
    assert client.get(reverse("mailin_settings")).status_code == 403


def test_a_test_email_carries_the_admins_reply_address_and_its_answer_adds_to_their_week(
    client, org, admin, reply_settings, smtp
):
    client.force_login(admin)
    response = client.post(reverse("mailin_settings"), follow=True)
    assert "A test email is queued" in response.content.decode()
    assert smtp.envelopes == []  # the worker sends it
    assert deliveries_send_queued().sent == {"reply": 1}
    (envelope,) = smtp.envelopes
    sent = email.message_from_bytes(envelope.content, policy=policy.default)
    reply_to = sent["Reply-To"]
    local, domain = REPLY_ADDRESS.split("@")
    assert reply_to.startswith(local + "+") and reply_to.endswith("@" + domain)
    assert "Answer it with a line or two" in sent.get_body(("plain",)).get_content()

    answer = EmailMessage()
    answer["From"] = admin.email
    answer["To"] = reply_to
    answer["Subject"] = "Re: " + sent["Subject"]
    answer["Message-ID"] = "<test-answer@example.com>"
    answer.set_content("Check the reply-by-email setup\nProgress\nReplies by email work\n")
    outcome = services.reply_receive(raw=answer.as_bytes(), via=ReceivedReply.Via.PIPE)
    assert outcome.taken and len(outcome.added) == 2
    assert ("progress", "Replies by email work") in items_of(admin)
    page = client.get(reverse("mailin_settings")).content.decode()
    assert "2 items added" in page


def test_no_test_without_a_mailbox_or_while_switched_off(client, admin, settings, smtp):
    settings.CADENCE_REPLY_ADDRESS = ""
    client.force_login(admin)
    response = client.post(reverse("mailin_settings"), follow=True)
    assert "CADENCE_REPLY_ADDRESS" in response.content.decode()
    settings.CADENCE_REPLY_ADDRESS = REPLY_ADDRESS
    org_services.organization_integration_switch(
        actor=admin, organization=admin.organization, integration="email_replies", on=False
    )
    response = client.post(reverse("mailin_settings"), follow=True)
    assert "switched off" in response.content.decode()
    assert deliveries_send_queued().sent == {}
