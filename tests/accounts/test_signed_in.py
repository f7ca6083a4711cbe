"""``request.user`` is read with its organization and sign-in policy in one query, and the
session is checked as Django checks it: a changed password, a deactivated account or a session
of a backend no longer listed is signed out."""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.accounts.models import SignInPolicy


def _signed_in(client) -> bool:
    response = client.get(reverse("dashboard"))
    return response.status_code == 200


def test_the_person_comes_with_their_organization_and_its_policy(client, member):
    client.force_login(member)
    with CaptureQueriesContext(connection) as ctx:
        assert _signed_in(client)
    person_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "orgs_person"' in q["sql"]]
    assert person_reads and "orgs_organization" in person_reads[0]
    assert "accounts_signinpolicy" in person_reads[0]
    assert not any(q["sql"].startswith('SELECT "orgs_organization"') for q in ctx.captured_queries)


def test_the_policy_read_with_the_person_still_leads_to_two_factor(client, member):
    SignInPolicy.objects.create(organization=member.organization, require_two_factor=True)
    client.force_login(member)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and "required=1" in response["Location"]


def test_a_changed_password_signs_the_session_out(client, member):
    client.force_login(member)
    assert _signed_in(client)
    member.set_password("An entirely new passphrase 42")
    member.save()
    assert not _signed_in(client)


def test_a_deactivated_account_is_signed_out(client, member):
    client.force_login(member)
    member.is_active = False
    member.save()
    assert not _signed_in(client)


def test_a_session_of_a_backend_no_longer_listed_is_signed_out(client, member):
    client.force_login(member)
    session = client.session
    session[BACKEND_SESSION_KEY] = "somewhere.else.Backend"
    session.save()
    assert not _signed_in(client)


def test_once_read_the_person_is_the_request_user_itself(rf, member):
    """Pages read the person's attributes thousands of times (rights on every row): after the
    first read, ``request.user`` is the person, not the lazy wrapper around it."""
    from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.functional import SimpleLazyObject

    from cadence.accounts.middleware import SignedInMiddleware
    from cadence.orgs.models import Person

    request = rf.get("/")
    request.session = SessionStore()
    request.session[SESSION_KEY] = str(member.pk)
    request.session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    request.session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    SignedInMiddleware(lambda r: None).process_request(request)
    assert isinstance(request.user, SimpleLazyObject)
    assert request.user.is_authenticated and request.user.pk == member.pk
    assert type(request.user) is Person
