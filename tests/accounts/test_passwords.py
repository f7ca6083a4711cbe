"""Password reset by email and Django's password validators wherever a password is set."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from cadence.cli import main
from cadence.orgs.models import Person
from tests import factories as f
from tests.outbox import send_queued

WEAK = ["password", "12345678", "cadence123"]


def _link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_round_trip(client, member, django_capture_on_commit_callbacks):
    assert 'href="/accounts/password/reset/"' in client.get(reverse("login")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": member.email.upper()})
    assert response.status_code == 302
    assert mail.outbox == []  # queued for the worker, not sent by the request
    [message] = send_queued()
    assert message.to == [member.email]
    assert "password" in message.subject.lower()

    landing = client.get(_link(message), follow=True)
    assert landing.status_code == 200
    form_url = landing.redirect_chain[-1][0] if landing.redirect_chain else _link(message)
    weak = client.post(form_url, {"password1": "password", "password2": "password"})
    assert weak.status_code == 200 and "too common" in weak.content.decode()
    new = "a fresh long pass phrase"
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(form_url, {"password1": new, "password2": new})
    assert done.status_code == 302

    # The old password no longer works, the new one does; the link works once.
    old = client.post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    assert old.status_code == 200
    signed_in = client.post(reverse("login"), {"login": member.email, "password": new})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("dashboard")
    client.post(reverse("logout"))
    again = client.get(_link(message), follow=True)
    assert "invalid" in again.content.decode().lower()


def test_a_reset_for_an_unknown_address_sends_no_reset_link(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    assert response.status_code == 302  # the same answer as for a known address
    assert all("/accounts/password/reset/key/" not in m.body for m in send_queued())


def test_signing_up_is_closed(client, db):
    page = client.get(reverse("account_signup"))
    assert "no public sign-up" in page.content.decode()
    client.post(
        reverse("account_signup"), {"email": "new@example.test", "password1": "a long password x"}
    )
    assert not Person.objects.filter(email="new@example.test").exists()


@pytest.mark.parametrize("weak", WEAK)
def test_changing_a_password_runs_the_validators(client, member, weak):
    client.post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": f.PASSWORD, "password1": weak, "password2": weak},
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(f.PASSWORD)


def test_a_password_like_the_email_is_refused(client, member):
    client.post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    similar = member.email.split("@")[0] + "@example"
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": f.PASSWORD, "password1": similar, "password2": similar},
    )
    assert "too similar" in response.content.decode()


@pytest.mark.parametrize("weak", WEAK)
def test_createadmin_refuses_weak_passwords(db, capsys, weak):
    argv = ["createadmin", "--no-input", "--email", "a@b.test", "--organization", "X"]
    assert main([*argv, "--password", weak]) == 1
    error = capsys.readouterr().err
    assert error.startswith("cadence: ") and error.count("\n") == 1
    assert not Person.objects.exists()
