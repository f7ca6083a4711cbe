"""First run: the one-time setup code and the setup that creates the first organization; the
setup checklist's confirmations; the rollout checklist's hand ticks."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.onboarding.models import Checklist, RolloutTick, SetupCode
from cadence.onboarding.rollout_selectors import HAND_STEPS, SPEC_BY_ID
from cadence.orgs import services as org_services
from cadence.orgs.models import Organization, Person

# Letters and digits that cannot be misread for one another (no 0/O, 1/I/L).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
GROUPS, GROUP_LENGTH = 3, 4  # three groups of four, e.g. 7KQM-2WDH-9PHT: 31^12, ~59 bits


def _digest(code: str) -> str:
    plain = "".join(c for c in code.upper() if c in ALPHABET)
    return hashlib.sha256(plain.encode()).hexdigest()


def is_set_up() -> bool:
    return Organization.objects.exists()


@transaction.atomic
def setup_code_issue() -> str | None:
    """A new setup code for an install with no organization yet (any earlier code stops
    working), or None once one exists. The plain code is returned once, to be printed."""
    if is_set_up():
        return None
    code = "-".join(
        "".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS)
    )
    SetupCode.objects.all().delete()
    SetupCode.objects.create(code_hash=_digest(code))
    return code


@transaction.atomic
def setup_complete(
    *, code: str, organization_name: str, name: str, email: str, password: str
) -> Person:
    """Create the first organization with its company and first admin, if ``code`` is the
    current setup code. Refused once any organization exists: the code is spent."""
    # The row lock makes two setups at once wait for each other; the second finds it spent.
    current = SetupCode.objects.select_for_update().filter(used_at__isnull=True).first()
    if current is None or is_set_up():
        raise PermissionDenied("This install is set up already: sign in instead.")
    if not hmac.compare_digest(current.code_hash, _digest(code or "")):
        raise ValidationError(
            {"code": "That is not the setup code. Copy it from the console where Cadence runs."}
        )
    from django.contrib.auth.password_validation import validate_password

    person = Person(email=email.strip(), name=name.strip())
    try:
        validate_password(password, user=person)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    organization = org_services.organization_create(
        name=organization_name, admin_email=email, admin_name=name, admin_password=password
    )
    admin = organization.people.get()
    current.used_at = timezone.now()
    current.save(update_fields=["used_at", "updated_at"])
    audit_record(
        organization=organization,
        kind="organization.created",
        actor=admin,
        target=organization,
        changes={"name": [None, organization.name]},
    )
    return admin


def _checklist(organization: Organization) -> Checklist:
    checklist, _ = Checklist.objects.select_for_update().get_or_create(organization=organization)
    return checklist


def _admin(actor: Person) -> None:
    if not actor.is_admin:
        raise PermissionDenied("Only admins set the organization up.")


@transaction.atomic
def checklist_confirm_deadline(*, actor: Person) -> None:
    """The admin looked at the teams' weekly deadline and it is right."""
    _admin(actor)
    checklist = _checklist(actor.organization)
    if checklist.deadline_confirmed_at is None:
        checklist.deadline_confirmed_at = timezone.now()
        checklist.save(update_fields=["deadline_confirmed_at", "updated_at"])


@transaction.atomic
def checklist_dismiss(*, actor: Person) -> None:
    """Hide the checklist for everyone in the organization."""
    _admin(actor)
    checklist = _checklist(actor.organization)
    if checklist.dismissed_at is None:
        checklist.dismissed_at = timezone.now()
        checklist.save(update_fields=["dismissed_at", "updated_at"])


def _hand_step(step: str) -> str:
    if step not in HAND_STEPS:
        raise ValidationError({"step": "Cadence ticks this step itself, or there is no such step."})
    return step


@transaction.atomic
def rollout_step_tick(*, actor: Person, step: str) -> bool:
    """An admin ticks a rollout step Cadence cannot read from the data (docs/method.md §9).
    Returns False when it was ticked already (nothing changes)."""
    _admin(actor)
    _hand_step(step)
    organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
    if RolloutTick.objects.filter(organization=organization, step=step).exists():
        return False
    RolloutTick.objects.create(
        organization=organization, step=step, ticked_by=actor, ticked_at=timezone.now()
    )
    audit_record(
        organization=organization,
        kind="organization.rollout_step_ticked",
        actor=actor,
        target=organization,
        changes={"step": [None, SPEC_BY_ID[step].title]},
    )
    return True


@transaction.atomic
def rollout_step_untick(*, actor: Person, step: str) -> bool:
    """An admin takes a hand tick back. Returns False when the step had none."""
    _admin(actor)
    _hand_step(step)
    organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
    deleted, _ = RolloutTick.objects.filter(organization=organization, step=step).delete()
    if not deleted:
        return False
    audit_record(
        organization=organization,
        kind="organization.rollout_step_unticked",
        actor=actor,
        target=organization,
        changes={"step": [SPEC_BY_ID[step].title, None]},
    )
    return True
