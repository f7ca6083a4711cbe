"""Sign-ins and account changes in the audit trail, done through the real pages with the test
client: signing in and out, failing, being locked out and unlocked, changing and resetting a
password, changing the email address, turning two-factor on and off."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from cadence.audit.models import Event
from tests import factories as f
from tests.accounts.test_two_factor import activate_totp
from tests.outbox import send_queued

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("every_kind_catalogued")]

LIMIT = 10


def sign_in(client, email, password=f.PASSWORD, address="198.51.100.7"):
    return client.post(
        reverse("login"),
        {"login": email, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT="Firefox/140",
    )


def SIGNINS():  # noqa: N802 (the sign-in events; the fixtures' units and memberships have theirs)
    return Event.objects.filter(kind__startswith="signin.")


def kinds_of(person) -> list[str]:
    return list(
        Event.objects.filter(target_id=str(person.pk))
        .order_by("created_at", "id")
        .values_list("kind", flat=True)
    )


def test_signing_in_and_out_is_recorded_with_the_address(client, member):
    assert sign_in(client, member.email).status_code == 302
    client.post(reverse("logout"), REMOTE_ADDR="198.51.100.7")
    signed_in, signed_out = SIGNINS().order_by("created_at", "id")
    assert (signed_in.kind, signed_in.actor, signed_in.organization_id) == (
        "signin.succeeded",
        member,
        member.organization_id,
    )
    assert (signed_in.ip_address, signed_in.user_agent) == ("198.51.100.7", "Firefox/140")
    assert (signed_out.kind, signed_out.actor) == ("signin.signed_out", member)


def test_a_failed_sign_in_names_the_account_tried_not_an_actor(client, member):
    assert sign_in(client, member.email.upper(), "not my password").status_code == 200
    failed = SIGNINS().get()
    assert (failed.kind, failed.organization_id, failed.target_id) == (
        "signin.failed",
        member.organization_id,
        str(member.pk),
    )
    assert (failed.actor, failed.actor_label) == (None, member.email)
    assert failed.changes == {"reason": "wrong password"}
    assert failed.ip_address == "198.51.100.7"


def test_a_failed_sign_in_for_no_account_is_in_no_organization(client, member):
    """decisions.md: an email that is no account has no organization to be recorded in."""
    sign_in(client, "nobody@example.test", "a guess")
    assert not SIGNINS().exists()


def test_a_deactivated_account_s_attempt_says_so(client, member):
    member.is_active = False
    member.save(update_fields=["is_active"])
    sign_in(client, member.email)
    assert SIGNINS().get().changes == {"reason": "deactivated"}


def test_a_lockout_is_recorded_once_then_refusals_as_failures_and_the_unlock(client, admin, member):
    for i in range(LIMIT):
        last = sign_in(client, member.email, f"wrong {i}")
    assert last.status_code == 429
    assert sign_in(client, member.email).status_code == 429  # locked: refused
    # Each failure (the one that locked the account too), the lockout once, the refusal.
    assert sorted(kinds_of(member)) == ["signin.failed"] * (LIMIT + 1) + ["signin.locked_out"]
    locked = Event.objects.get(kind="signin.locked_out")
    assert locked.changes == {"locked": "account", "failures": LIMIT, "address": "198.51.100.7"}
    reasons = [e.changes["reason"] for e in Event.objects.filter(kind="signin.failed")]
    assert sorted(reasons) == ["locked"] + ["wrong password"] * LIMIT

    admin_client = type(client)()
    admin_client.force_login(admin)
    admin_client.post(reverse("sign_in_unlock"), {"kind": "account", "value": member.email})
    unlocked = Event.objects.get(kind="signin.unlocked")
    assert (unlocked.actor, unlocked.organization_id) == (admin, member.organization_id)
    assert unlocked.changes == {"unlocked": "account", "value": member.email}
    assert sign_in(client, member.email).status_code == 302


def test_an_address_lockout_is_recorded_for_the_account_it_locked_on(client, member):
    for i in range(LIMIT - 1):
        sign_in(client, f"guess{i}@example.test", "a guess", address="203.0.113.5")
    sign_in(client, member.email, "a guess", address="203.0.113.5")
    locked = Event.objects.get(kind="signin.locked_out")
    assert locked.changes["locked"] == "address" and locked.target_id == str(member.pk)


def test_password_change_and_reset_are_recorded(client, member, django_capture_on_commit_callbacks):
    sign_in(client, member.email)
    new = "another long pass phrase"
    changed = client.post(
        reverse("account_change_password"),
        {"oldpassword": f.PASSWORD, "password1": new, "password2": new},
    )
    assert changed.status_code == 302
    assert Event.objects.get(kind="account.password_changed").actor == member
    client.post(reverse("logout"))

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": member.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", send_queued()[-1].body)
    landing = client.get(link.group(1), follow=True)
    form_url = landing.redirect_chain[-1][0] if landing.redirect_chain else link.group(1)
    newer = "yet another pass phrase"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(form_url, {"password1": newer, "password2": newer}).status_code == 302
    reset = Event.objects.get(kind="account.password_reset")
    assert (reset.actor, reset.target_id) == (member, str(member.pk))


def test_an_email_change_is_recorded_with_both_addresses(
    client, member, django_capture_on_commit_callbacks
):
    old = member.email
    # An address no other test uses: allauth rate-limits confirmations per address in the
    # process's cache, which outlives a test.
    sign_in(client, old)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_email"), {"email": "mia.renamed@example.test", "action_add": ""}
        )
    [message] = [m for m in send_queued() if m.to == ["mia.renamed@example.test"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)
    client.post(link)
    changed = Event.objects.get(kind="account.email_changed")
    assert changed.actor == member
    assert changed.changes == {"email": [old, "mia.renamed@example.test"]}


@pytest.mark.django_db(transaction=True)
def test_two_factor_on_and_off_is_recorded(client, member):
    """allauth signals two-factor changes once they are committed, in the request: a test with
    real transactions, so that they commit inside it."""
    sign_in(client, member.email)
    activate_totp(client)
    assert Event.objects.get(kind="account.two_factor_enabled").actor == member

    assert client.post(reverse("mfa_generate_recovery_codes")).status_code == 302
    assert Event.objects.filter(kind="account.recovery_codes_regenerated").count() == 1

    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member, type="totp").exists()
    assert Event.objects.get(kind="account.two_factor_disabled").actor == member
