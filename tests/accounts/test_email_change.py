"""A person changes their email address: confirmed by a link sent to the new address."""

import re

from django.core import mail
from django.urls import reverse

from cadence.orgs.models import Person
from tests import factories as f
from tests.outbox import send_queued


def test_an_email_change_takes_effect_once_the_new_address_confirms_it(
    client, member, django_capture_on_commit_callbacks
):
    old = member.email
    client.post(reverse("login"), {"login": old, "password": f.PASSWORD})
    assert client.get(reverse("account_email")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"email": "mia.new@example.test", "action_add": ""}
        )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == old  # not before it is confirmed
    assert mail.outbox == []  # queued for the worker, not sent by the request
    send_queued()
    [message] = [m for m in mail.outbox if m.to == ["mia.new@example.test"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)

    client.post(link)
    member.refresh_from_db()
    assert member.email == "mia.new@example.test"

    # An address someone else signs in with is refused, and nothing is sent to it.
    other = Person.objects.exclude(pk=member.pk).first()
    sent = len(send_queued())  # the notice of the change, to the old address
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(
            reverse("account_email"), {"email": other.email.upper(), "action_add": ""}
        )
    assert "Another person already uses this address." in taken.content.decode()
    assert len(send_queued()) == sent
    member.refresh_from_db()
    assert member.email == "mia.new@example.test"
    assert Person.objects.filter(email=other.email).get() == other
    client.post(reverse("logout"))
    assert client.post(reverse("login"), {"login": old, "password": f.PASSWORD}).status_code == 200
    signed_in = client.post(
        reverse("login"), {"login": "mia.new@example.test", "password": f.PASSWORD}
    )
    assert signed_in.status_code == 302


def test_signing_in_sends_no_email(client, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    assert response.status_code == 302
    assert send_queued() == []
