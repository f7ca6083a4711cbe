"""The reminder and the digest carry the person's signed reply address (``Reply-To``) when a
reply mailbox is configured, and answering the reminder writes the update: the whole loop."""

from django.core import mail

from cadence.mailin import services as mailin_services
from cadence.mailin.models import ReceivedReply
from cadence.scheduling import services
from tests.mailin.conftest import REPLY_ADDRESS, items_of
from tests.scheduling.conftest import alice, berlin, berlin_team  # noqa: F401


def _by_kind(kind: str):
    return [m for m in mail.outbox if m.extra_headers.get("X-Cadence-Kind") == kind]


def test_the_reminder_and_digest_carry_the_reply_address_and_a_reply_writes_the_update(
    alice,  # noqa: F811
    settings,
):
    settings.CADENCE_REPLY_ADDRESS = REPLY_ADDRESS
    services.run_once(berlin(27, 15, 30))
    (reminder,) = _by_kind("reminder")
    reply_to = reminder.extra_headers["Reply-To"]
    assert reply_to.startswith("updates+") and reply_to.endswith("@replies.acme.example")
    assert "Or answer this email" in reminder.body
    assert "Or answer this email" in reminder.alternatives[0][0]

    answer = (
        f"From: Alice Adler <{alice.email}>\r\nTo: {reply_to}\r\n"
        f"Subject: Re: {reminder.subject}\r\nMessage-ID: <answer-1@mail.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Plan the offsite\r\nProgress:\r\n- Hired the designer\r\n\r\n"
        "On Fri, 27 Nov 2026 at 15:30, Cadence wrote:\r\n> your weekly update\r\n"
    ).encode()
    outcome = mailin_services.reply_receive(raw=answer, via=ReceivedReply.Via.PIPE)
    assert outcome.taken, outcome
    assert items_of(alice) == [("plans", "Plan the offsite"), ("progress", "Hired the designer")]

    services.run_once(berlin(27, 17, 1))
    (digest,) = _by_kind("digest")
    assert digest.extra_headers["Reply-To"].startswith("updates+")
    assert "Or answer this email" in digest.body


def test_without_a_reply_mailbox_the_emails_have_no_reply_address(alice, settings):  # noqa: F811
    settings.CADENCE_REPLY_ADDRESS = ""
    services.run_once(berlin(27, 15, 30))
    (reminder,) = _by_kind("reminder")
    assert "Reply-To" not in reminder.extra_headers
    assert "Or answer this email" not in reminder.body


def test_the_scheduling_hook_is_answered_by_mailin():
    from cadence.scheduling import hooks

    assert hooks.reply_address.provider is mailin_services.reply_address_for
    assert mailin_services.worker_turn in hooks.worker_turn.listeners
