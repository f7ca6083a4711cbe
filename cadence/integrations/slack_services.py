"""The optional Slack app: ``/cadence`` opens a modal to check in on one's key results or add
weekly items, and the modal's submission writes them through the okrs and weekly services as
the person the Slack user is linked to.

- Every request is verified (``slack_sdk.signature.SignatureVerifier``: the HMAC of
  ``X-Slack-Signature`` over the exact body, and ``X-Slack-Request-Timestamp`` within five
  minutes); a wrong, missing or stale one changes nothing.
- A Slack user is linked to a person once: the command answers an unknown user, only them
  (ephemeral), with a signed link valid ``LINK_MAX_AGE``; the person opens it signed in to
  Cadence and confirms. No outbound call asks Slack who the user is.
- ``views.open`` must be called within three seconds of the command, so it is **the one
  outbound call made inside a request**: to ``SLACK_API_URL`` only (the operator's setting,
  never a user's input), through ``cadence.core.outbound`` with ``MODAL_TIMEOUT``. Everything
  else Cadence sends to Slack goes through the worker (``channel_services``).
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from slack_sdk.signature import SignatureVerifier

from cadence.audit.services import audit_record
from cadence.core import outbound
from cadence.core.emails import absolute_url
from cadence.core.errors import Conflict
from cadence.integrations import slack_modals as modals
from cadence.integrations.models import SlackIdentity
from cadence.okrs import selectors as okr_selectors
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Person
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly import services as weekly_services
from cadence.weekly.weeks import format_week

logger = logging.getLogger(__name__)

LINK_SALT = "cadence.integrations.slack-link"
LINK_MAX_AGE = timedelta(minutes=15)
# views.open: connect, then answer (Slack drops the trigger after three seconds).
MODAL_TIMEOUT = (1.0, 2.0)
# Slack's team and user ids ("T0123ABC", "U0456DEF").
SLACK_ID = re.compile(r"^[A-Z0-9]{2,32}$")


def app_configured() -> bool:
    return bool(settings.SLACK_SIGNING_SECRET and settings.SLACK_BOT_TOKEN)


def request_valid(body: bytes, timestamp: str | None, signature: str | None) -> bool:
    """Whether Slack signed this request (and recently): False when the app is not set up."""
    if not settings.SLACK_SIGNING_SECRET:
        return False
    try:
        return SignatureVerifier(settings.SLACK_SIGNING_SECRET).is_valid(
            body=body, timestamp=timestamp, signature=signature
        )
    except ValueError:  # a timestamp that is not a number
        return False


# Linking a Slack user to a person ------------------------------------------------------------


def link_token(team_id: str, user_id: str) -> str:
    return signing.dumps({"t": team_id, "u": user_id}, salt=LINK_SALT, compress=True)


def link_read(token: str) -> tuple[str, str]:
    """The Slack team and user a link names, or Http404 (mistyped, expired, made up)."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.BadSignature as error:
        raise Http404("This link is not valid (any more): type /cadence in Slack again.") from error
    team_id, user_id = data.get("t", ""), data.get("u", "")
    if not (SLACK_ID.match(team_id) and SLACK_ID.match(user_id)):
        raise Http404("This link is not valid.")
    return team_id, user_id


def identity_of(person: Person) -> SlackIdentity | None:
    return SlackIdentity.objects.filter(person=person).first()


def person_for(team_id: str, user_id: str) -> Person | None:
    """The active person a Slack user is linked to, or None."""
    identity = (
        SlackIdentity.objects.filter(slack_team_id=team_id, slack_user_id=user_id)
        .select_related("person", "person__organization")
        .first()
    )
    if identity is None or not identity.person.is_active:
        return None
    return identity.person


@transaction.atomic
def slack_identity_link(*, actor: Person, team_id: str, user_id: str) -> SlackIdentity:
    """Link the Slack user to ``actor`` (replacing the Slack user they had linked before). A
    Slack user linked to someone else stays theirs: 409."""
    if not actor.is_active:
        raise PermissionDenied("Only active people link a Slack account.")
    if not (SLACK_ID.match(team_id) and SLACK_ID.match(user_id)):
        raise ValidationError({"token": "This link is not valid."})
    taken = SlackIdentity.objects.filter(slack_team_id=team_id, slack_user_id=user_id).first()
    if taken is not None and taken.person_id != actor.pk:
        raise Conflict("This Slack account is already linked to another person.")
    if taken is not None:
        return taken
    SlackIdentity.objects.filter(person=actor).delete()
    try:
        with transaction.atomic():
            identity = SlackIdentity.objects.create(
                organization_id=actor.organization_id,
                person=actor,
                slack_team_id=team_id,
                slack_user_id=user_id,
            )
    except IntegrityError as error:  # linked by someone else at this very moment
        raise Conflict("This Slack account is already linked to another person.") from error
    audit_record(
        organization=actor.organization_id,
        kind="slack.linked",
        actor=actor,
        target=identity,
        target_label=f"{actor.name}: Slack {user_id}",
        changes={"slack_user": [None, f"{team_id}/{user_id}"]},
    )
    return identity


@transaction.atomic
def slack_identity_unlink(*, actor: Person) -> bool:
    identity = SlackIdentity.objects.filter(person=actor).first()
    if identity is None:
        return False
    audit_record(
        organization=actor.organization_id,
        kind="slack.unlinked",
        actor=actor,
        target=identity,
        target_label=f"{actor.name}: Slack {identity.slack_user_id}",
        changes={"slack_user": [f"{identity.slack_team_id}/{identity.slack_user_id}", None]},
    )
    identity.delete()
    return True


# The command --------------------------------------------------------------------------------


def _ephemeral(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text}


def key_results_for(person: Person, *, limit: int = modals.MAX_OPTIONS) -> list[KeyResult]:
    """The key results a person checks in on from Slack: theirs (or of their objectives, when
    the key result has no owner of its own) in cycles running today and not closed, of
    objectives not abandoned or closed."""
    today = timezone.localdate()
    return list(
        KeyResult.objects.filter(
            organization_id=person.organization_id,
            objective__cycle__start__lte=today,
            objective__cycle__end__gte=today,
            objective__cycle__closed_at__isnull=True,
        )
        .filter(Q(owner=person) | Q(owner__isnull=True, objective__owner=person))
        .exclude(objective__state__in=[Objective.State.ABANDONED, Objective.State.CLOSED])
        .select_related("objective")
        .order_by("objective__title", "position", "created_at")[:limit]
    )


def _views_open(trigger_id: str, view: dict[str, Any]) -> str:
    """Open the modal (Slack's ``views.open``): "" when it opened, else why not. The one call
    made inside a request (see the module's words)."""
    session = outbound.guarded_session()
    try:
        response = session.post(
            settings.SLACK_API_URL.rstrip("/") + "/views.open",
            json={"trigger_id": trigger_id, "view": view},
            headers={"Authorization": f"Bearer {settings.SLACK_BOT_TOKEN}"},
            timeout=MODAL_TIMEOUT,
            allow_redirects=False,
        )
        answer = response.json() if response.status_code == 200 else {}
        if answer.get("ok"):
            return ""
        return str(answer.get("error") or f"Slack answered {response.status_code}")[:200]
    except (requests.RequestException, ValueError) as error:
        logger.warning("Could not open the Slack modal: %s", error)
        return type(error).__name__
    finally:
        session.close()


def command_answer(form: dict[str, str]) -> dict[str, Any] | None:
    """Answer a verified ``/cadence`` command: a message only the user sees, or None once the
    modal opened (Slack wants an empty 200 then)."""
    team_id, user_id = form.get("team_id", ""), form.get("user_id", "")
    if not (SLACK_ID.match(team_id) and SLACK_ID.match(user_id)):
        return _ephemeral("Slack did not say who you are.")
    person = person_for(team_id, user_id)
    if person is None:
        url = absolute_url(reverse("slack_link", args=[link_token(team_id, user_id)]))
        minutes = int(LINK_MAX_AGE.total_seconds() // 60)
        return _ephemeral(
            f"First connect your Slack account to {settings.SITE_NAME}: <{url}|open this link> "
            f"while signed in (it works for {minutes} minutes, for you only), then type "
            f"/cadence again."
        )
    what = modals.what_command(form.get("text", ""))
    if what == "help":
        return _ephemeral(modals.HELP)
    if what == "weekly":
        team = weekly_selectors.rhythm_unit(person)
        categories = weekly_selectors.categories_for(person.organization, team)
        if not categories or person.is_viewer:
            return _ephemeral("You keep no weekly update.")
        week = weekly_selectors.current_week(person)
        view = modals.weekly_modal(
            [modals.Choice(c.slug, c.name) for c in categories], format_week(week)
        )
    else:
        key_results = key_results_for(person)
        if not key_results:
            return _ephemeral("You have no key results to check in on in a running cycle.")
        view = modals.check_in_modal(
            [modals.Choice(str(kr.pk), f"{kr.title} — {kr.objective.title}") for kr in key_results]
        )
    trigger_id = form.get("trigger_id", "")
    if not trigger_id:
        return _ephemeral("Slack sent no trigger to open the form with.")
    if problem := _views_open(trigger_id, view):
        return _ephemeral(f"{settings.SITE_NAME} could not open the form ({problem}).")
    return None


# The modal's submission ----------------------------------------------------------------------


def _errors(errors: dict[str, str]) -> dict[str, Any]:
    return {"response_action": "errors", "errors": errors}


def _first_message(error: ValidationError) -> str:
    return " ".join(error.messages)[:300]


def interaction_answer(payload: dict[str, Any]) -> dict[str, Any] | None:
    """Answer a verified interaction: a modal's submission writes the check-in or the weekly
    items as the linked person (None: Slack closes the modal), or the errors to show. A user
    nobody linked, or anything else, changes nothing."""
    if payload.get("type") != "view_submission":
        return None
    user = payload.get("user") or {}
    team = payload.get("team") or {}
    team_id = str(team.get("id") or user.get("team_id") or "")
    person = person_for(team_id, str(user.get("id") or ""))
    view = payload.get("view") or {}
    callback = view.get("callback_id")
    values = ((view.get("state") or {}).get("values")) or {}
    first_block = "kr" if callback == modals.CHECK_IN else "items"
    if person is None:
        return _errors({first_block: f"Connect your Slack account to {settings.SITE_NAME} first."})
    if not isinstance(values, dict):
        return _errors({first_block: "Slack sent an empty form."})
    if callback == modals.CHECK_IN:
        return _check_in(person, values)
    if callback == modals.WEEKLY:
        return _weekly(person, values)
    return None


def _check_in(person: Person, values: dict) -> dict[str, Any] | None:
    read = modals.read_check_in(values)
    if isinstance(read, dict):
        return _errors(read)
    try:
        kr = okr_selectors.key_result_get(person.organization, read.key_result_id, viewer=person)
        okr_services.check_in_create(
            actor=person,
            key_result=kr,
            value=read.value,
            confidence=read.confidence,
            note=read.note,
        )
    except Http404:
        return _errors({"kr": "That key result is not there any more."})
    except PermissionDenied as error:
        return _errors({"kr": str(error) or "You may not check in on this key result."})
    except ValidationError as error:
        fields = getattr(error, "message_dict", {}) if hasattr(error, "error_dict") else {}
        block = "value" if "value" in fields else "kr"
        return _errors({block: _first_message(error)})
    return None


def _weekly(person: Person, values: dict) -> dict[str, Any] | None:
    read = modals.read_weekly(values)
    if isinstance(read, dict):
        return _errors(read)
    week = weekly_selectors.current_week(person)
    try:
        with transaction.atomic():  # all the lines or none
            for text in read.items:
                weekly_services.item_create(
                    actor=person, person=person, week=week, category=read.category, text=text
                )
    except PermissionDenied as error:
        return _errors({"items": str(error) or "You may not write this update."})
    except ValidationError as error:
        fields = getattr(error, "message_dict", {}) if hasattr(error, "error_dict") else {}
        block = "category" if "category" in fields else "items"
        return _errors({block: _first_message(error)})
    return None


def person_erased(*, person: Person, email: str, name: str) -> set[str]:
    """An erased person's Slack link goes (``orgs.hooks.person_erased``): their Slack user acts
    as nobody from then on."""
    SlackIdentity.objects.filter(person=person).delete()
    return set()
