"""Single sign-on end to end, in Chromium, against a real OpenID Connect provider: panva's
oidc-provider (npm), started on 127.0.0.1 by this test (tests/accounts/oidc_provider/server.mjs,
installed by `npm ci` in that folder; .ci/run does it). Nothing of allauth or Cadence is mocked:
discovery, the authorization request with state and PKCE, the provider's own sign-in and consent
pages, the code exchange, the ID token's checks and the userinfo request all happen over HTTP.

On a machine without node or the installed package the test skips with the reason; under
CI=true it fails."""

import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cadence.accounts import policy, sso
from cadence.orgs.models import Person
from tests import factories as f

pytestmark = [
    pytest.mark.browser,
    pytest.mark.real_clock,  # the provider's tokens carry the real time
    pytest.mark.django_db(transaction=True),
]

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "accounts" / "oidc_provider"
CLIENT_ID = "cadence-test"
CLIENT_SECRET = "cadence-test-secret-0123456789"


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def provider_for(live_server):
    """Start the provider for an organization (its callback is registered); yields a function
    that returns the issuer."""
    node = shutil.which("node")
    if node is None:
        _missing("needs node (apt-get install nodejs) for the OpenID Connect provider")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        _missing(f"needs the test provider installed: npm ci --prefix {PROVIDER_DIR}")
    processes = []

    def start(organization) -> str:
        callback = (
            f"{live_server.url}/accounts/oidc/{sso.provider_id_for(organization)}/login/callback/"
        )
        env = {
            **os.environ,
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": callback,
        }
        process = subprocess.Popen(
            [node, "server.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(process)
        line = []
        reader = threading.Thread(target=lambda: line.append(process.stdout.readline()))
        reader.start()
        reader.join(timeout=30)
        match = re.match(r"listening (http://127\.0\.0\.1:\d+)", line[0] if line else "")
        if not match:
            process.kill()
            pytest.fail(f"the OpenID Connect provider did not start: {process.stderr.read()}")
        return match.group(1)

    yield start
    for process in processes:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def acme(settings, provider_for):
    """An organization whose admin set up single sign-on for acme.test on the provider."""
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the provider listens on 127.0.0.1
    org, admin = f.make_org("Acme")
    issuer = provider_for(org)
    config = sso.sso_settings_set(
        actor=admin,
        organization=org,
        enabled=True,
        name="Acme ID",
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=["acme.test"],
        require_sso=False,
    )
    return org, admin, config


def _at_the_provider(page, login: str) -> None:
    """The provider's own pages: sign in as ``login``, then consent."""
    page.wait_for_selector("input[name=login]")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the development provider accepts it")
    page.locator("button[type=submit]").click()
    page.get_by_role("button", name=re.compile("continue", re.I)).click()


def _start_single_sign_on(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("link", name="Sign in with single sign-on (SSO)").click()
    page.get_by_label("Work email").fill(email)
    page.get_by_role("button", name="Continue").click()


def test_a_new_person_signs_in_and_is_created_as_a_member(page, live_server, acme):
    org, admin, _ = acme
    # Two-factor required by the organization: a session signed in by the provider is not led
    # to set it up (the provider owns the second factor).
    policy.sign_in_policy_set(actor=admin, organization=org, require_two_factor=True)
    _start_single_sign_on(page, live_server, "nina.new@acme.test")
    assert not page.url.startswith(live_server.url)  # at the provider
    _at_the_provider(page, "nina.new@acme.test")
    page.wait_for_url(f"{live_server.url}/")
    person = Person.objects.get(email="nina.new@acme.test")
    assert (person.organization_id, person.role, person.name) == (org.id, "member", "nina.new")
    assert not person.has_usable_password()
    assert page.get_by_role("button", name=re.compile("log out", re.I)).count() == 1

    # Next time the provider account is recognised (by its subject): the same person.
    page.context.clear_cookies()
    _start_single_sign_on(page, live_server, "nina.new@acme.test")
    _at_the_provider(page, "nina.new@acme.test")
    page.wait_for_url(f"{live_server.url}/")
    assert Person.objects.filter(email="nina.new@acme.test").count() == 1


def test_an_address_outside_the_allowed_domains_is_refused(page, live_server, acme):
    _start_single_sign_on(page, live_server, "someone@acme.test")
    # The provider vouches for another address than the one typed at Cadence.
    _at_the_provider(page, "mallory@elsewhere.test")
    page.wait_for_url(re.compile(r"/accounts/oidc/.*/login/callback/"))
    assert "mallory@elsewhere.test is not an address that" in page.content()
    assert not Person.objects.filter(email="mallory@elsewhere.test").exists()
    assert page.get_by_role("button", name=re.compile("log out", re.I)).count() == 0


def test_require_sso_sends_a_password_to_the_provider_and_links_the_person(page, live_server, acme):
    org, admin, config = acme
    person = f.make_person(org, name="Paula Password")
    person.email = "paula@acme.test"
    person.save()
    sso.sso_settings_set(
        actor=admin,
        organization=org,
        enabled=True,
        name=config.name,
        issuer=config.issuer,
        client_id=CLIENT_ID,
        client_secret=None,
        domains=["acme.test"],
        require_sso=True,
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("paula@acme.test")
    page.get_by_label("Password").fill(f.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The answer is a new page at the same address: wait for its text, not for the old page's.
    expect(page.locator("body")).to_contain_text("signs in with single sign-on")
    page.get_by_role("button", name="Sign in with Acme ID").click()
    _at_the_provider(page, "paula@acme.test")
    page.wait_for_url(f"{live_server.url}/")
    assert person.socialaccount_set.get().uid == "paula@acme.test"
    assert Person.objects.filter(email="paula@acme.test").count() == 1


def test_a_deactivated_person_cannot_sign_in_by_sso(page, live_server, acme):
    org, _, _ = acme
    person = f.make_person(org, name="Leo Leaver")
    person.email = "leo@acme.test"
    person.is_active = False
    person.save()
    _start_single_sign_on(page, live_server, "leo@acme.test")
    _at_the_provider(page, "leo@acme.test")
    page.wait_for_url(re.compile(r"/accounts/oidc/.*/login/callback/"))
    assert "is deactivated" in page.content()
    assert page.get_by_role("button", name=re.compile("log out", re.I)).count() == 0
