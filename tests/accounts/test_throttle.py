"""Sign-in throttling (issue 13 point 4): at most 10 failed attempts per account and, separately,
per address in an hour; then even the right password is refused with a clear message, the owner
gets one email, and an admin (or the CLI) unlocks. API token guessing: 429 per address."""

import json
import re

import pytest
from django.urls import reverse

from cadence.cli import main
from cadence.orgs import services as org_services
from tests import factories as f
from tests.outbox import send_queued

LIMIT = 10
LOCKED = "Too many failed sign-in attempts"


def sign_in(client, email, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_a_wrong_password_is_refused_without_a_lockout(client, member):
    response = sign_in(client, member.email, "wrong password!")
    assert response.status_code == 200
    assert "correct email and password" in response.content.decode()
    assert signed_in(sign_in(client, member.email, f.PASSWORD))


def test_the_eleventh_attempt_is_refused_even_with_the_right_password(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [sign_in(client, member.email, f"wrong {i}") for i in range(LIMIT)]
    assert [a.status_code for a in answers[:-1]] == [200] * (LIMIT - 1)
    assert answers[-1].status_code == 429
    assert LOCKED in answers[-1].content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        refused = sign_in(client, member.email, f.PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert not signed_in(refused)
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in

    # Typed otherwise, it is still the same account; from another address too.
    assert sign_in(client, member.email.upper(), f.PASSWORD, address="10.9.9.9").status_code == 429

    # One email to the account's owner, when it was locked (not on every refused attempt).
    notices = [m for m in send_queued() if m.to == [member.email]]
    assert len(notices) == 1
    assert "paused" in notices[0].subject
    assert f"{LIMIT} times" in notices[0].body
    assert "/accounts/password/reset/" in notices[0].body


def test_a_lockout_says_nothing_about_whether_the_account_exists(client, member):
    for i in range(LIMIT):
        last_unknown = sign_in(client, "nobody@example.test", f"wrong {i}", address="10.0.0.7")
    for i in range(LIMIT):
        last_known = sign_in(client, member.email, f"wrong {i}", address="10.0.0.8")
    assert last_unknown.status_code == last_known.status_code == 429

    def page(response, email):
        html = response.content.decode().replace(email, "EMAIL")
        return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", html)

    assert page(last_unknown, "nobody@example.test") == page(last_known, member.email)


def test_an_address_is_locked_after_ten_failures_on_any_accounts(client, member):
    for i in range(LIMIT):
        sign_in(client, f"guess{i}@example.test", "password guess", address="10.0.0.66")
    refused = sign_in(client, member.email, f.PASSWORD, address="10.0.0.66")
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    # The account itself is not locked: from elsewhere, its owner signs in.
    assert signed_in(sign_in(client, member.email, f.PASSWORD, address="10.0.0.2"))


def test_an_admin_sees_and_unlocks_a_locked_account(client, member, admin, outsider):
    for i in range(LIMIT):
        sign_in(client, member.email, f"wrong {i}", address="10.0.0.5")
    assert sign_in(client, member.email, f.PASSWORD, address="10.0.0.6").status_code == 429

    # Another organization's admin sees nothing of it and cannot unlock it.
    other = type(client)()
    other.force_login(outsider)
    assert member.email not in other.get(reverse("sign_in_security")).content.decode()
    other.post(reverse("sign_in_unlock"), {"kind": "account", "value": member.email})
    # A member may not unlock.
    peer = type(client)()
    peer.force_login(f.make_person(member.organization))
    denied = peer.post(reverse("sign_in_unlock"), {"kind": "account", "value": member.email})
    assert denied.status_code == 403
    assert sign_in(client, member.email, f.PASSWORD, address="10.0.0.6").status_code == 429

    page = type(client)()
    page.force_login(admin)
    html = page.get(reverse("sign_in_security")).content.decode()
    assert member.email in html and "10.0.0.5" in html  # the account and the address
    response = page.post(
        reverse("sign_in_unlock"), {"kind": "account", "value": member.email}, follow=True
    )
    assert f"Unlocked {member.email}" in response.content.decode()
    assert signed_in(sign_in(client, member.email, f.PASSWORD, address="10.0.0.6"))


def test_an_admin_unlocks_an_address(client, member, admin):
    for i in range(LIMIT):
        sign_in(client, member.email if i == 0 else f"x{i}@example.test", "nope", "10.0.0.9")
    other = f.make_person(member.organization)
    assert sign_in(client, other.email, f.PASSWORD, address="10.0.0.9").status_code == 429
    page = type(client)()
    page.force_login(admin)
    page.post(reverse("sign_in_unlock"), {"kind": "address", "value": "10.0.0.9"})
    assert signed_in(sign_in(client, other.email, f.PASSWORD, address="10.0.0.9"))


# transaction=True: `cadence manage` ends as every Django command does, closing the database
# connections, which a test inside one transaction would lose (PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_the_cli_unlocks_too(client, member, capsys):
    for i in range(LIMIT):
        sign_in(client, member.email, f"wrong {i}")
    assert sign_in(client, member.email, f.PASSWORD, address="10.0.0.3").status_code == 429
    assert main(["manage", "axes_reset_username", member.email.lower()]) == 0
    assert signed_in(sign_in(client, member.email, f.PASSWORD, address="10.0.0.3"))


def _api(client, token, address):
    return client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}", REMOTE_ADDR=address)


def test_api_token_guessing_is_throttled_per_address(client, member):
    _token, secret = org_services.api_token_create(person=member)
    assert _api(client, secret, "10.1.0.1").status_code == 200
    answers = [_api(client, f"cad_guess{i:02d}", "10.1.0.1") for i in range(LIMIT)]
    assert [a.status_code for a in answers[:-1]] == [401] * (LIMIT - 1)
    assert answers[-1].status_code == 429
    # Locked: even the valid token is refused from that address, in the API's error shape.
    refused = _api(client, secret, "10.1.0.1")
    assert refused.status_code == 429
    body = json.loads(refused.content)
    assert set(body) == {"message", "errors"} and "wrong API token" in body["message"]
    # Elsewhere the token works, and the account's password sign-in is not affected.
    assert _api(client, secret, "10.1.0.2").status_code == 200
    assert signed_in(sign_in(client, member.email, f.PASSWORD, address="10.1.0.3"))


@pytest.mark.parametrize("header", ["X-Forwarded-For", "X-Real-IP"])
def test_behind_a_proxy_the_configured_header_names_the_address(client, member, settings, header):
    settings.CLIENT_IP_HEADER = header
    meta = "HTTP_" + header.upper().replace("-", "_")
    for i in range(LIMIT):
        client.post(
            reverse("login"),
            {"login": f"g{i}@example.test", "password": "nope"},
            REMOTE_ADDR="127.0.0.1",
            **{meta: "203.0.113.7"},
        )
    # Another client behind the same proxy is not locked out.
    ok = client.post(
        reverse("login"),
        {"login": member.email, "password": f.PASSWORD},
        REMOTE_ADDR="127.0.0.1",
        **{meta: "198.51.100.4"},
    )
    assert signed_in(ok)
