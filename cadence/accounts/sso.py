"""Single sign-on: each organization's OpenID Connect provider — reading it, setting it (admins),
and deciding who a provider's answer signs in (allauth does the protocol: discovery, state, PKCE,
the code exchange and the ID token's checks; cadence.accounts.adapter hands us its result).

Who may sign in through an organization's provider: a verified email address at one of the
organization's domains. A person with that address is signed in if they belong to the
organization and are active; nobody with it yet is created as a member of it (just in time).
A domain belongs to one organization of the install, so one organization's provider never
speaks for another's people.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction

from cadence.accounts.models import PROVIDER_ID_PREFIX, SingleSignOn, SingleSignOnDomain
from cadence.audit.services import audit_record, changes_between
from cadence.core import outbound
from cadence.orgs import services as org_services
from cadence.orgs.acting import require_admin, system_label
from cadence.orgs.models import Organization, Person

MAX_DOMAINS = 50
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class SignInRefused(Exception):
    """The provider said who someone is, but Cadence does not sign them in: ``message`` says
    why, in words for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Reads --------------------------------------------------------------------------------------


def sso_for(organization: Organization) -> SingleSignOn | None:
    return SingleSignOn.objects.filter(organization=organization).first()


def provider_id_for(organization: Organization) -> str:
    """The provider's name in allauth's URLs (the callback the provider is told of)."""
    return f"{PROVIDER_ID_PREFIX}{organization.pk.hex}"


def sso_by_provider_id(provider_id: str) -> SingleSignOn | None:
    """The enabled provider allauth's URL names (``org-<organization id>``), or None."""
    if not provider_id.startswith(PROVIDER_ID_PREFIX):
        return None
    hex_id = provider_id.removeprefix(PROVIDER_ID_PREFIX)
    if not re.fullmatch(r"[0-9a-f]{32}", hex_id):
        return None
    return (
        SingleSignOn.objects.select_related("organization")
        .filter(organization_id=hex_id, enabled=True)
        .first()
    )


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def sso_for_email(email: str) -> SingleSignOn | None:
    """The enabled provider of the organization that signs in ``email``'s domain, or None."""
    domain = email_domain(email)
    if not domain:
        return None
    return (
        SingleSignOn.objects.select_related("organization")
        .filter(enabled=True, domains__domain=domain)
        .first()
    )


def domains_of(sso: SingleSignOn) -> list[str]:
    return list(sso.domains.values_list("domain", flat=True))


def sso_required_for(person: Person) -> SingleSignOn | None:
    """The provider ``person`` must sign in with instead of a password (their organization
    requires single sign-on), or None. Admins keep their password: the way back in when the
    provider fails."""
    if person.is_admin:
        return None
    return (
        SingleSignOn.objects.select_related("organization")
        .filter(organization_id=person.organization_id, enabled=True, require_sso=True)
        .first()
    )


# Writes -------------------------------------------------------------------------------------


def parse_domains(text: str) -> list[str]:
    """Domains from text separated by commas, spaces or lines ("@" in front is allowed)."""
    found = []
    for word in re.split(r"[\s,;]+", text or ""):
        word = word.strip().lower().lstrip("@").rstrip(".")
        if word and word not in found:
            found.append(word)
    return found


AUDITED = ("enabled", "name", "issuer", "client_id", "require_sso")


@transaction.atomic
def sso_settings_set(
    *,
    actor: Person | None,
    organization: Organization,
    enabled: bool,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    domains: list[str],
    require_sso: bool,
) -> SingleSignOn:
    """Set the organization's provider. ``client_secret`` None (or blank) keeps the saved one.
    ``actor`` None is the operator (``cadence sso set``)."""
    require_admin(
        actor, organization.id, "Only an admin of the organization changes its single sign-on."
    )
    sso = SingleSignOn.objects.select_for_update().filter(
        organization=organization
    ).first() or SingleSignOn(organization=organization)
    new = sso._state.adding
    before = {} if new else {field: getattr(sso, field) for field in AUDITED}
    before_domains = [] if new else domains_of(sso)

    errors: dict[str, str] = {}
    name, issuer, client_id = name.strip(), issuer.strip().rstrip("/"), client_id.strip()
    client_secret = (client_secret or "").strip() or None
    if not name or len(name) > 80:
        errors["name"] = "Give the provider a name of 1 to 80 characters, such as Okta."
    if not issuer or len(issuer) > 500:
        errors["issuer"] = "Enter the provider's issuer address (up to 500 characters)."
    else:
        reason = outbound.refusal(issuer)
        if reason:
            errors["issuer"] = reason
    if not client_id or len(client_id) > 255:
        errors["client_id"] = "Enter the client ID the provider gave you (up to 255 characters)."
    if client_secret is not None and len(client_secret) > 1000:
        errors["client_secret"] = "The client secret is at most 1000 characters."
    elif client_secret is None and not sso.client_secret:
        errors["client_secret"] = "Enter the client secret the provider gave you."
    domains = [d.strip().lower() for d in domains]
    bad = [d for d in domains if not _DOMAIN.match(d)]
    taken = list(
        SingleSignOnDomain.objects.filter(domain__in=domains)
        .exclude(single_sign_on__organization=organization)
        .values_list("domain", flat=True)
    )
    if bad:
        errors["domains"] = f"Not a domain: {', '.join(bad[:5])}. Write them like example.com."
    elif taken:
        errors["domains"] = (
            f"Another organization on this server signs in {', '.join(sorted(taken))} "
            "already: a domain belongs to one organization."
        )
    elif len(domains) > MAX_DOMAINS:
        errors["domains"] = f"At most {MAX_DOMAINS} domains."
    elif enabled and not domains:
        errors["domains"] = "Name at least one email domain whose people sign in this way."
    if require_sso and not enabled:
        errors["require_sso"] = "Single sign-on can be required only while it is turned on."
    if errors:
        raise ValidationError(errors)

    sso.enabled, sso.name, sso.issuer, sso.client_id = enabled, name, issuer, client_id
    sso.require_sso = require_sso
    if client_secret is not None:
        sso.client_secret = client_secret
    sso.full_clean()
    sso.save()
    sso.domains.exclude(domain__in=domains).delete()
    for domain in domains:
        SingleSignOnDomain.objects.get_or_create(single_sign_on=sso, domain=domain)

    changes = changes_between(
        {**before, "domains": before_domains},
        {**{field: getattr(sso, field) for field in AUDITED}, "domains": sorted(domains)},
    )
    if client_secret is not None:
        # That it changed, never what it is.
        changes["client_secret"] = ["(hidden)", "(replaced)"]
    if changes:
        audit_record(
            organization=organization,
            kind="sso.settings_changed",
            actor=actor,
            actor_label=system_label(actor),
            target=sso,
            target_label=f"Single sign-on ({sso.name})",
            changes=changes,
        )
    return sso


@transaction.atomic
def sso_sign_in_person(
    *,
    sso: SingleSignOn,
    email: str | None,
    email_verified: bool,
    name: str | None,
    linked: Person | None = None,
) -> Person:
    """The person the provider's answer signs in: ``linked`` (the person this provider account
    signed in before), else the person with the email, else a new member created just in time;
    SignInRefused when nobody may be signed in."""
    organization = sso.organization
    if not email or not email_verified:
        raise SignInRefused(
            f"{sso.name} did not confirm an email address for you, so {organization.name} "
            "cannot sign you in with it. Ask your organization's admin."
        )
    email = email.strip().lower()
    if email_domain(email) not in set(domains_of(sso)):
        raise SignInRefused(
            f"{email} is not an address that {organization.name} signs in with {sso.name}. "
            "Sign in with your work address, or ask your organization's admin to add its domain."
        )
    person = linked or Person.objects.filter(email__iexact=email).first()
    if person is None:
        local = email.partition("@")[0]
        person = org_services.person_create(
            organization=organization,
            email=email,
            name=(name or "").strip()[:200] or local,
            role=Person.Role.MEMBER,
        )
    elif person.organization_id != organization.id:
        raise SignInRefused(
            f"{email} belongs to an account of another organization, so {sso.name} cannot "
            "sign it in. Sign in with your password, or ask an admin."
        )
    if not person.is_active:
        raise SignInRefused(
            f"Your account at {organization.name} is deactivated, so you cannot sign in. "
            "Ask your organization's admin if you need it back."
        )
    return person
