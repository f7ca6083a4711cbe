"""Optional two-factor authentication (TOTP with recovery codes), and an organization that
requires it."""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from tests import factories as f

TOTP_SESSION_KEY = "mfa.totp.secret"


def code_for(secret: str, shift: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + shift))


def sign_in(client, person, password=f.PASSWORD):
    return client.post(reverse("login"), {"login": person.email, "password": password})


def activate_totp(client) -> str:
    """Set up an authenticator app from the settings pages; returns its secret."""
    page = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a change to two-factor.
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_reauthenticate"))
    confirmed = client.post(page["Location"], {"password": f.PASSWORD})
    assert confirmed.status_code == 302
    page = client.get(confirmed["Location"])
    assert page.status_code == 200
    secret = client.session[TOTP_SESSION_KEY]
    assert secret in page.content.decode()  # shown to type in, next to the QR code
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    done = client.post(reverse("mfa_activate_totp"), {"code": code_for(secret)})
    assert done.status_code == 302
    return secret


def test_setting_up_two_factor_then_signing_in_with_a_code(client, member, _frozen_clock):
    assert sign_in(client, member)["Location"] == reverse("dashboard")
    assert "off" in client.get(reverse("sign_in_security")).content.decode()
    secret = activate_totp(client)
    assert Authenticator.objects.filter(user=member, type="totp").exists()
    # Recovery codes were made with it.
    assert Authenticator.objects.filter(user=member, type="recovery_codes").exists()
    client.post(reverse("logout"))

    # The password alone no longer signs in: a code is asked for.
    response = sign_in(client, member)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("dashboard")).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200 and client.get(reverse("dashboard")).status_code == 302
    _frozen_clock.shift(30)  # a code is used once: the next period's
    ok = client.post(reverse("mfa_authenticate"), {"code": code_for(secret)})
    assert ok.status_code == 302 and ok["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_recovery_code_signs_in_once(client, member):
    sign_in(client, member)
    activate_totp(client)
    client.post(reverse("logout"))
    codes = RecoveryCodes(
        Authenticator.objects.get(user=member, type="recovery_codes")
    ).get_unused_codes()
    sign_in(client, member)
    ok = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert ok.status_code == 302 and ok["Location"] == reverse("dashboard")
    client.post(reverse("logout"))

    sign_in(client, member)
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200
    assert client.get(reverse("dashboard")).status_code == 302


def test_an_organization_that_requires_two_factor_leads_people_to_set_it_up(client, admin, member):
    admin_client = type(client)()
    admin_client.force_login(admin)
    admin_client.post(reverse("sign_in_policy"), {"require_two_factor": "on"})

    sign_in(client, member)
    for name in ("dashboard", "settings", "api_tokens"):
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("mfa_activate_totp")), name
    activate_totp(client)
    assert client.get(reverse("dashboard")).status_code == 200

    # A member may not change the policy.
    assert client.post(reverse("sign_in_policy"), {}).status_code == 403
    # The admin is led to set it up too, before turning the requirement off again.
    assert admin_client.post(reverse("sign_in_policy"), {}).status_code == 302
    assert admin_client.get(reverse("dashboard")).status_code == 302
    activate_totp(admin_client)
    admin_client.post(reverse("sign_in_policy"), {})
    other = f.make_person(member.organization)
    other_client = type(client)()
    sign_in(other_client, other)
    assert other_client.get(reverse("dashboard")).status_code == 200


def test_another_organization_is_not_affected(client, admin, outsider):
    admin_client = type(client)()
    admin_client.force_login(admin)
    admin_client.post(reverse("sign_in_policy"), {"require_two_factor": "on"})
    client.force_login(outsider)
    assert client.get(reverse("dashboard")).status_code == 200
