"""Single sign-on without a provider: the admin's settings page, who a provider's answer signs
in, password sign-in when single sign-on is required, and the sign-in page's way in. The whole
flow against a real OpenID Connect provider is tests/e2e/test_single_sign_on.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadence.accounts import sso
from cadence.accounts.models import SingleSignOn
from cadence.audit.models import Event
from cadence.orgs.models import Person
from tests import factories as f

ISSUER = "http://127.0.0.1:9"  # never called by these tests


@pytest.fixture(autouse=True)
def _private_outbound(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = True


def configure(admin, **overrides):
    values = {
        "enabled": True,
        "name": "Acme ID",
        "issuer": ISSUER,
        "client_id": "cadence",
        "client_secret": "s3cret-value",
        "domains": ["acme.test"],
        "require_sso": False,
    }
    values.update(overrides)
    return sso.sso_settings_set(actor=admin, organization=admin.organization, **values)


def form_data(**overrides):
    data = {
        "enabled": "on",
        "name": "Acme ID",
        "issuer": ISSUER,
        "client_id": "cadence",
        "client_secret": "s3cret-value",
        "domains": "acme.test, @Acme-Labs.test",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# The settings page ---------------------------------------------------------------------------


def test_admin_sets_up_single_sign_on_and_the_secret_is_never_shown(client, admin):
    client.force_login(admin)
    page = client.get(reverse("sso_settings"))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/accounts/oidc/org-{admin.organization_id.hex}/login/callback/" in body

    response = client.post(reverse("sso_settings"), form_data())
    assert response.status_code == 302
    saved = SingleSignOn.objects.get(organization=admin.organization)
    assert (saved.enabled, saved.name, saved.issuer, saved.client_id) == (
        True,
        "Acme ID",
        ISSUER,
        "cadence",
    )
    assert saved.client_secret == "s3cret-value"
    assert sso.domains_of(saved) == ["acme-labs.test", "acme.test"]

    body = client.get(reverse("sso_settings")).content.decode()
    assert "s3cret-value" not in body and "A secret is saved" in body
    assert 'value="cadence"' in body and "acme.test" in body

    # Saving without typing the secret again keeps it; typing one replaces it.
    client.post(reverse("sso_settings"), form_data(client_secret="", require_sso="on"))
    saved.refresh_from_db()
    assert saved.client_secret == "s3cret-value" and saved.require_sso
    client.post(reverse("sso_settings"), form_data(client_secret="n3w-secret"))
    saved.refresh_from_db()
    assert saved.client_secret == "n3w-secret" and not saved.require_sso


def test_each_change_is_in_the_audit_trail_without_the_secret(client, admin):
    client.force_login(admin)
    client.post(reverse("sso_settings"), form_data())
    client.post(reverse("sso_settings"), form_data(client_secret="", require_sso="on"))
    client.post(reverse("sso_settings"), form_data(client_secret="", require_sso="on"))  # same
    events = list(Event.objects.filter(kind="sso.settings_changed").order_by("created_at"))
    assert len(events) == 2
    first, second = events
    assert first.actor == admin and first.organization == admin.organization
    assert first.changes["client_secret"] == ["(hidden)", "(replaced)"]
    assert first.changes["issuer"] == [None, ISSUER]
    assert second.changes == {"require_sso": [False, True]}
    for event in events:
        assert "s3cret-value" not in str(event.changes)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"name": ""}, "name", "This field is required"),
        ({"client_secret": ""}, "client_secret", "Enter the client secret"),
        ({"issuer": "ftp://example.com"}, "issuer", "https://"),
        ({"domains": "not a domain!"}, "domains", "Not a domain"),
        ({"domains": ""}, "domains", "at least one email domain"),
        ({"enabled": None, "require_sso": "on"}, "require_sso", "only while it is turned on"),
    ],
)
def test_bad_settings_are_refused_with_a_message_and_nothing_is_saved(
    client, admin, overrides, field, words
):
    client.force_login(admin)
    response = client.post(reverse("sso_settings"), form_data(**overrides))
    assert response.status_code == 422
    assert words in str(response.context["form"].errors[field])
    assert not SingleSignOn.objects.exists()
    assert not Event.objects.filter(kind="sso.settings_changed").exists()


def test_a_private_issuer_is_refused_unless_the_operator_allows_it(client, admin, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    client.force_login(admin)
    for issuer in ("https://127.0.0.1", "https://10.1.2.3", "https://169.254.169.254", ISSUER):
        response = client.post(reverse("sso_settings"), form_data(issuer=issuer))
        assert response.status_code == 422, issuer
        assert not SingleSignOn.objects.exists()
    assert "ALLOW_PRIVATE_OUTBOUND" in str(
        client.post(reverse("sso_settings"), form_data(issuer="https://10.1.2.3"))
        .context["form"]
        .errors["issuer"]
    )
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    response = client.post(reverse("sso_settings"), form_data(issuer="https://10.1.2.3"))
    assert response.status_code == 302


def test_a_domain_belongs_to_one_organization(admin, outsider):
    configure(admin, domains=["acme.test"])
    with pytest.raises(ValidationError) as refused:
        configure(outsider, domains=["other.test", "ACME.test"])
    assert "Another organization on this server" in str(refused.value)
    assert not SingleSignOn.objects.filter(organization=outsider.organization).exists()


def test_members_and_viewers_cannot_open_or_change_the_settings(client, admin, member, viewer):
    configure(admin)
    for person in (member, viewer):
        client.force_login(person)
        assert client.get(reverse("sso_settings")).status_code == 403
        assert client.post(reverse("sso_settings"), form_data(name="Hacked")).status_code == 403
        with pytest.raises(PermissionDenied):
            configure(person, name="Hacked")
    assert SingleSignOn.objects.get().name == "Acme ID"
    client.logout()
    assert client.get(reverse("sso_settings")).status_code == 302  # to the sign-in page


def test_another_organizations_admin_sees_and_changes_only_their_own(client, admin, outsider):
    configure(admin)
    client.force_login(outsider)
    body = client.get(reverse("sso_settings")).content.decode()
    assert (
        "Acme ID" not in body and "acme.test" not in body and admin.organization_id.hex not in body
    )
    client.post(reverse("sso_settings"), form_data(name="Other ID", domains="other.test"))
    assert SingleSignOn.objects.get(organization=admin.organization).name == "Acme ID"
    assert SingleSignOn.objects.get(organization=outsider.organization).name == "Other ID"
    with pytest.raises(PermissionDenied):
        sso.sso_settings_set(
            actor=outsider,
            organization=admin.organization,
            enabled=False,
            name="x",
            issuer=ISSUER,
            client_id="x",
            client_secret="x",
            domains=[],
            require_sso=False,
        )
    # Signed in elsewhere, this organization's provider is not found (allauth's URLs).
    login = reverse(
        "openid_connect_login", kwargs={"provider_id": f"org-{admin.organization_id.hex}"}
    )
    assert client.get(login).status_code == 404
    client.logout()
    assert client.get(login).status_code == 200  # anyone may start signing in


# Who a provider's answer signs in ------------------------------------------------------------


def test_a_new_address_at_an_allowed_domain_becomes_a_member(admin):
    config = configure(admin)
    person = sso.sso_sign_in_person(
        sso=config, email="New.Person@ACME.test", email_verified=True, name="New Person"
    )
    assert (person.organization, person.role, person.email, person.name) == (
        admin.organization,
        Person.Role.MEMBER,
        "new.person@acme.test",
        "New Person",
    )
    assert not person.has_usable_password()
    again = sso.sso_sign_in_person(
        sso=config, email="new.person@acme.test", email_verified=True, name=None
    )
    assert again == person


def test_an_existing_person_is_found_by_email(admin, member):
    config = configure(admin, domains=["example.test"])  # the factories' people's domain
    assert (
        sso.sso_sign_in_person(sso=config, email=member.email, email_verified=True, name="X")
        == member
    )


@pytest.mark.parametrize(
    ("email", "verified", "words"),
    [
        ("someone@elsewhere.test", True, "is not an address that"),
        ("someone@acme.test", False, "did not confirm an email address"),
        (None, True, "did not confirm an email address"),
    ],
)
def test_refused_answers_create_nobody(admin, email, verified, words):
    config = configure(admin)
    people = Person.objects.count()
    with pytest.raises(sso.SignInRefused) as refused:
        sso.sso_sign_in_person(sso=config, email=email, email_verified=verified, name=None)
    assert words in refused.value.message
    assert Person.objects.count() == people


def test_a_deactivated_person_is_refused(admin, member):
    config = configure(admin, domains=["example.test"])
    member.is_active = False
    member.save()
    with pytest.raises(sso.SignInRefused) as refused:
        sso.sso_sign_in_person(sso=config, email=member.email, email_verified=True, name=None)
    assert "deactivated" in refused.value.message


def test_another_organizations_person_is_never_signed_in(admin, outsider):
    """Org A's provider vouching for an address at a domain A claims, held by B's person."""
    config = configure(admin, domains=["other.test"])  # outsider is admin…@other.test
    with pytest.raises(sso.SignInRefused) as refused:
        sso.sso_sign_in_person(sso=config, email=outsider.email, email_verified=True, name=None)
    assert "another organization" in refused.value.message


# Password sign-in and the sign-in page -------------------------------------------------------


def test_require_sso_refuses_members_passwords_but_not_admins(client, admin, member):
    configure(admin, domains=["example.test"], require_sso=True)
    response = client.post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    assert response.status_code == 200
    body = response.content.decode()
    assert "signs in with single sign-on" in body and "Sign in with Acme ID" in body
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in
    # A wrong password says what it always says: nothing about single sign-on.
    wrong = client.post(reverse("login"), {"login": member.email, "password": "wrong password"})
    assert "single sign-on:" not in wrong.content.decode()
    # The admin keeps a way in when the provider fails.
    response = client.post(reverse("login"), {"login": admin.email, "password": f.PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_passwords_work_while_sso_is_not_required(client, admin, member):
    configure(admin, domains=["example.test"])
    response = client.post(reverse("login"), {"login": member.email, "password": f.PASSWORD})
    assert response.status_code == 302


def test_the_sign_in_page_leads_to_single_sign_on(client, admin):
    configure(admin)
    assert reverse("sso_start") in client.get(reverse("login")).content.decode()
    response = client.post(reverse("sso_start"), {"email": "someone@unknown.test"})
    assert response.status_code == 200
    assert "No organization here signs in people at that address" in response.content.decode()
    response = client.post(reverse("sso_start"), {"email": "not an email"})
    assert "Enter a valid email address" in response.content.decode()


def test_a_turned_off_provider_is_not_offered(client, admin):
    configure(admin, enabled=False)
    response = client.post(reverse("sso_start"), {"email": "someone@acme.test"})
    assert "No organization here signs in people at that address" in response.content.decode()
    login = reverse(
        "openid_connect_login", kwargs={"provider_id": f"org-{admin.organization_id.hex}"}
    )
    assert client.get(login).status_code == 404


def test_an_unreachable_provider_is_a_page_that_says_so(client, admin, settings):
    """Nothing listens on 127.0.0.1:9; then the operator forbids private addresses."""
    configure(admin)
    for allowed in (True, False):
        settings.ALLOW_PRIVATE_OUTBOUND = allowed
        response = client.post(reverse("sso_start"), {"email": "someone@acme.test"})
        assert response.status_code == 502
        body = response.content.decode()
        assert "could not be reached" in body
        assert ("ALLOW_PRIVATE_OUTBOUND" in body) is not allowed
        login = reverse(
            "openid_connect_login", kwargs={"provider_id": f"org-{admin.organization_id.hex}"}
        )
        assert client.post(login).status_code == 502


def test_a_callback_without_a_valid_state_is_refused_politely(client, admin):
    configure(admin)
    callback = reverse(
        "openid_connect_callback", kwargs={"provider_id": f"org-{admin.organization_id.hex}"}
    )
    response = client.get(callback + "?code=stolen-code&state=made-up")
    assert "Single sign-on did not finish" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302  # nobody signed in
