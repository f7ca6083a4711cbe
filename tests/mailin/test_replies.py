"""A reply by email becomes items of the sender's current week — the messages in the shapes
Gmail, Outlook, Apple Mail, Thunderbird, mutt and others produce — and nothing else does: a
forged, expired or foreign address, another sender, an automatic answer, the same message twice."""

import email
from datetime import timedelta
from email import policy

import pytest
from django.utils import timezone

from cadence.mail.models import Delivery
from cadence.mail.services import deliveries_send_queued
from cadence.mailin import services, tokens
from cadence.mailin.models import ReceivedReply
from cadence.orgs import services as org_services
from cadence.orgs.models import Person
from cadence.weekly import services as weekly_services
from cadence.weekly.models import Item
from tests import factories as f
from tests.mailin.conftest import REPLY_ADDRESS, SITE_URL, eml, items_of, token_for

PIPE = ReceivedReply.Via.PIPE

EXPECTED = {
    "gmail.eml": [
        ("plans", "Finish the pricing page copy"),
        ("plans", "Review Omar's import PR"),
        ("progress", "Shipped the CSV export"),
        ("progress", "Interviewed 3 customers"),
        ("problems", "Staging is down since Tuesday"),
    ],
    "outlook_html.eml": [
        ("plans", "Prepare the Q1 budget review"),
        ("plans", "Meet the vendor’s account manager"),
        ("progress", "Signed the contract with Northwind"),
    ],
    "apple_mail.eml": [
        ("progress", "finished the onboarding survey"),
        ("plans", "call the three accounts that didn’t renew"),
    ],
    "thunderbird_flowed.eml": [
        (
            "plans",
            "Draft the migration plan for the billing service together with the platform "
            "team, including the rollback steps",
        ),
        ("plans", "Book the room for the retrospective"),
        ("problems", "The test environment runs out of disk every night"),
    ],
    "mutt_signed.eml": [
        ("progress", "Upgraded the build servers to Debian 13"),
        ("progress", "Wrote the runbook for the on-call rotation"),
        ("learnings", "Small pull requests get reviewed the same day"),
    ],
    "forwarded.eml": [("plans", "Plan the hiring loop for the two backend roles")],
    "german_quoted_printable.eml": [
        ("plans", "Angebot für Müller & Söhne überarbeiten"),
        ("plans", "Schulung zur Datenschutz-Grundverordnung für das Team planen"),
        ("progress", "Rückruf bei der Spedition erledigt, Lieferung kommt am Donnerstag"),
    ],
    "japanese_base64.eml": [
        ("plans", "プレスリリースの原稿を仕上げる"),
        ("plans", "来週の展示会の準備"),
        ("progress", "顧客インタビューを3件実施"),
        ("problems", "翻訳会社からの納品が遅れている"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_client_s_reply_becomes_items_of_the_current_week(mia, name):
    outcome = services.reply_receive(raw=eml(name, mia), via=PIPE)
    assert outcome.taken and not outcome.reason, outcome
    assert items_of(mia) == EXPECTED[name]
    (update,) = {i.update for i in Item.objects.filter(update__person=mia)}
    assert update.week.isoformat() == "2026-11-23"  # the current week (2026-W48)
    assert update.submitted_at is not None  # written by the person: the update counts as done
    assert {i.created_by_id for i in Item.objects.filter(update=update)} == {mia.pk}
    reply = ReceivedReply.objects.get()
    assert (reply.person, reply.items_added, reply.via) == (mia, len(EXPECTED[name]), PIPE)


def test_the_answer_lists_what_was_added_with_a_link_and_goes_through_smtp(mia, smtp):
    services.reply_receive(raw=eml("gmail.eml", mia), via=PIPE)
    assert smtp.envelopes == []  # queued, sent by the worker's turn
    assert deliveries_send_queued().sent == {"reply": 1}
    (envelope,) = smtp.envelopes
    assert envelope.rcpt_tos == [mia.email]
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Added to your 2026-W48 update: 5 items"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "- Progress: Shipped the CSV export" in text
    assert "- Problems: Staging is down since Tuesday" in text
    assert f"{SITE_URL}/weekly/{mia.pk}/2026-W48/" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{SITE_URL}/weekly/{mia.pk}/2026-W48/"' in html


def test_a_refused_line_adds_nothing_and_the_answer_says_why(mia, smtp):
    long_line = "Migrate " + "every table " * 200
    raw = eml("gmail.eml", mia).replace(b"Review Omar's import PR", long_line.encode())
    outcome = services.reply_receive(raw=raw, via=PIPE)
    assert outcome.taken and outcome.added == [] and "characters or fewer" in outcome.reason
    assert items_of(mia) == []  # all or nothing
    deliveries_send_queued()
    (envelope,) = smtp.envelopes
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["Subject"] == "Nothing was added to your 2026-W48 update"
    assert "characters or fewer" in message.get_body(preferencelist=("plain",)).get_content()


def test_a_reply_with_nothing_new_adds_nothing_and_says_so(mia):
    raw = eml("gmail.eml", mia)
    head, _, _ = raw.partition(b"\n\n")
    bare = head.split(b"Content-Type")[0] + b"Content-Type: text/plain\n\n> only quoted\n"
    outcome = services.reply_receive(raw=bare, via=PIPE)
    assert outcome.taken and outcome.added == [] and "no new lines" in outcome.reason
    assert items_of(mia) == []


def _nothing_happened(mia):
    assert items_of(mia) == []
    assert not ReceivedReply.objects.exists()
    assert not Delivery.objects.exists()  # nobody is answered


def test_a_token_that_does_not_verify_adds_nothing(mia):
    good = token_for(mia)
    forged = good[:-4] + ("aaaa" if good[-4:] != "aaaa" else "bbbb")
    outcome = services.reply_receive(raw=eml("gmail.eml", token=forged), via=PIPE)
    assert not outcome.taken and "not one this site signed" in outcome.reason
    outcome = services.reply_receive(raw=eml("gmail.eml", token="not-a-token"), via=PIPE)
    assert not outcome.taken
    _nothing_happened(mia)


def test_a_token_signed_with_another_key_adds_nothing_and_a_fallback_key_still_verifies(
    mia, settings
):
    raw = eml("gmail.eml", mia)
    signed_with = settings.SECRET_KEY
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert not services.reply_receive(raw=raw, via=PIPE).taken
    _nothing_happened(mia)
    settings.SECRET_KEY_FALLBACKS = [signed_with]  # the key was rotated: old tokens still work
    assert services.reply_receive(raw=raw, via=PIPE).taken


def test_an_expired_token_adds_nothing(mia):
    expired = token_for(mia, expires=timezone.now() - timedelta(seconds=1))
    outcome = services.reply_receive(raw=eml("gmail.eml", token=expired), via=PIPE)
    assert not outcome.taken and "expired" in outcome.reason
    _nothing_happened(mia)


def test_the_address_expires_after_the_configured_days(mia, _frozen_clock):
    raw = eml("apple_mail.eml", token=services.reply_address_for(person=mia).split("+")[1][:48])
    _frozen_clock.shift(timedelta(days=14, seconds=1))
    assert "expired" in services.reply_receive(raw=raw, via=PIPE).reason
    _nothing_happened(mia)


@pytest.mark.parametrize(
    "sender", ["omar.haddad@acme.example", "mia.member@acme.example.evil.test", "mailer-daemon@x"]
)
def test_another_sender_adds_nothing(mia, sender):
    outcome = services.reply_receive(raw=eml("gmail.eml", mia, sender=sender), via=PIPE)
    assert not outcome.taken and "sender" in outcome.reason
    _nothing_happened(mia)


def test_the_sender_s_address_is_compared_without_case(mia):
    raw = eml("gmail.eml", mia, sender="MIA.Member@ACME.example")
    assert services.reply_receive(raw=raw, via=PIPE).taken


def test_an_out_of_office_answer_adds_nothing(mia):
    outcome = services.reply_receive(raw=eml("outlook_auto_reply.eml", mia), via=PIPE)
    assert not outcome.taken and "auto-replied" in outcome.reason
    _nothing_happened(mia)


def test_a_message_to_another_address_adds_nothing(mia):
    raw = eml("gmail.eml", mia).replace(b"updates+", b"sales+")
    assert "not sent to a reply address" in services.reply_receive(raw=raw, via=PIPE).reason
    _nothing_happened(mia)


def test_without_a_configured_reply_address_nothing_is_added(mia, settings):
    raw = eml("gmail.eml", mia)
    settings.CADENCE_REPLY_ADDRESS = ""
    assert not services.reply_receive(raw=raw, via=PIPE).taken
    _nothing_happened(mia)


def test_the_envelope_recipient_counts_when_the_headers_do_not_name_the_address(mia):
    raw = eml("gmail.eml", mia)
    address = f"updates+{token_for(mia)}@replies.acme.example"
    raw = raw.replace(address.encode(), b"team@acme.example")
    assert not services.reply_receive(raw=raw, via=PIPE).taken
    assert services.reply_receive(raw=raw, via=PIPE, recipients=(address,)).taken


def test_the_same_message_twice_adds_its_items_once(mia):
    raw = eml("gmail.eml", mia)
    assert services.reply_receive(raw=raw, via=PIPE).taken
    again = services.reply_receive(raw=raw, via=ReceivedReply.Via.IMAP)
    assert again.duplicate and not again.taken and str(again).startswith("Already processed")
    assert len(items_of(mia)) == 5
    assert Delivery.objects.count() == 1
    # Without a Message-ID, the same bytes are the same message.
    bare = raw.replace(b"Message-ID:", b"X-Old-Message-ID:")
    assert services.reply_receive(raw=bare, via=PIPE).taken
    assert services.reply_receive(raw=bare, via=PIPE).duplicate
    assert len(items_of(mia)) == 10


def test_a_person_who_left_or_a_viewer_writes_nothing(mia, admin):
    viewer = f.make_person(mia.organization, role=Person.Role.VIEWER)
    raw = eml("gmail.eml", viewer, sender=viewer.email)
    outcome = services.reply_receive(raw=raw, via=PIPE)
    assert outcome.taken and outcome.added == [] and "Viewers" in outcome.reason
    assert items_of(viewer) == []
    assert services.reply_address_for(person=viewer) == ""
    Person.objects.filter(pk=mia.pk).update(is_active=False)
    outcome = services.reply_receive(raw=eml("gmail.eml", mia), via=PIPE)
    assert not outcome.taken and "left" in outcome.reason
    assert items_of(mia) == []


def test_tenancy_a_token_names_one_person_of_one_organization(mia, outsider):
    """A token is signed for the person's organization: the same person id signed for another
    organization does not verify; the items land in the person's own organization, in its
    categories, whatever headings name another organization's."""
    other_org = outsider.organization
    weekly_services.category_create(actor=outsider, name="Secret Plans")
    crossed = tokens.token_make(
        person_id=mia.pk,
        organization_id=other_org.pk,
        expires=timezone.now() + timedelta(days=1),
    )
    assert not services.reply_receive(raw=eml("gmail.eml", token=crossed), via=PIPE).taken
    raw = eml("gmail.eml", mia).replace(b"\nProblems\n", b"\nSecret Plans\n")
    assert services.reply_receive(raw=raw, via=PIPE).taken
    assert {i.organization_id for i in Item.objects.all()} == {mia.organization_id}
    assert ("progress", "Secret Plans") in items_of(mia)  # not a heading here: a line
    # The outsider's address is theirs: the same message from them to Mia's token adds nothing.
    raw = eml("gmail.eml", mia, sender=outsider.email)
    assert not services.reply_receive(raw=raw, via=PIPE).taken


def test_the_reply_address_is_signed_compact_and_at_the_configured_mailbox(mia):
    address = services.reply_address_for(person=mia)
    local, _, domain = address.partition("@")
    assert domain == "replies.acme.example" and local.startswith("updates+")
    assert len(local) <= 64 and local == local.lower()
    token = tokens.token_in(address.upper(), REPLY_ADDRESS)
    claim = tokens.token_read(token)
    assert claim.person_id == mia.pk and claim.verifies(mia.organization_id)
    assert claim.expires - timezone.now() > timedelta(days=13, hours=23)


def test_replies_switched_off_add_nothing_and_reminders_offer_no_address(mia, admin):
    org_services.organization_integration_switch(
        actor=admin, organization=mia.organization, integration="email_replies", on=False
    )
    mia.refresh_from_db()
    assert services.reply_address_for(person=mia) == ""
    outcome = services.reply_receive(raw=eml("gmail.eml", mia), via=PIPE)
    assert not outcome.taken and "switched replies by email off" in outcome.reason
    assert items_of(mia) == []
