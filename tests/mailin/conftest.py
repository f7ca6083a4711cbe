"""Replies by email: a person in a team with a custom category, the reply mailbox configured,
the test messages (tests/mailin/messages/*.eml) addressed with that person's signed token, and a
real SMTP server (aiosmtpd) on 127.0.0.1 for the answers."""

from __future__ import annotations

import re
import socket
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from cadence.mailin import tokens
from cadence.orgs import services as org_services
from cadence.orgs.models import Person
from cadence.weekly import services as weekly_services
from cadence.weekly.models import Item
from tests import factories as f

MESSAGES = Path(__file__).parent / "messages"
REPLY_ADDRESS = "updates@replies.acme.example"
SITE_URL = "https://okr.acme.example"
MIA = "mia.member@acme.example"


@pytest.fixture
def reply_settings(settings):
    settings.CADENCE_REPLY_ADDRESS = REPLY_ADDRESS
    settings.SITE_URL = SITE_URL
    return settings


@pytest.fixture
def mia(org, team, admin, reply_settings) -> Person:
    """The person the test messages are from, in the Product team, which has its own
    "Learnings" category besides Plans, Progress and Problems."""
    person = org_services.person_create(
        organization=org, email=MIA, name="Mia Member", role=Person.Role.MEMBER, password=f.PASSWORD
    )
    f.join(team, person)
    weekly_services.category_create(actor=admin, name="Learnings", unit=team)
    return person


def token_for(person: Person, *, expires: datetime | None = None) -> str:
    return tokens.token_make(
        person_id=person.pk,
        organization_id=person.organization_id,
        expires=expires or timezone.now() + timedelta(days=14),
    )


def eml(name: str, person: Person | None = None, *, token: str = "", sender: str = "") -> bytes:
    """A test message addressed to ``person``'s reply address (or ``token``), from ``sender``
    instead of its own From address when given."""
    raw = (MESSAGES / name).read_bytes()
    token = token or (token_for(person) if person else "x" * 48)
    raw = raw.replace(b"{{token}}", token.encode())
    if sender:
        raw = re.sub(rb"(?m)^From: .*$", f"From: Someone <{sender}>".encode(), raw, count=1)
    return raw


def items_of(person: Person) -> list[tuple[str, str]]:
    return [
        (i.category.slug, i.text)
        for i in Item.objects.filter(update__person=person, deleted_at__isnull=True)
        .select_related("category")
        .order_by("created_at", "position")
    ]


class _Collector:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """aiosmtpd on 127.0.0.1, Django's SMTP backend pointed at it; ``.envelopes`` received."""
    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 10
    try:
        yield handler
    finally:
        controller.stop()
