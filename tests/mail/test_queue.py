"""Queued emails (mentions, approvals): queued with the change, claimed by one worker, sent
once, retried after a failure, taken over from a dead worker, given up after MAX_ATTEMPTS."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.db.models import F

from cadence.feed import services as feed_services
from cadence.feed.models import Notification
from cadence.mail import services
from cadence.mail.models import Delivery
from cadence.orgs.models import Person
from cadence.scheduling import services as scheduling_services
from tests import factories as f


class RefusingBackend:
    """A mail server that refuses every message."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("mail server down")

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def mention(actor, objective, text="@lena.okafor have a look"):
    return feed_services.comment_create(actor=actor, target=objective, text=text)


def expire_claims():
    """The lease of every claim runs out (its worker died or failed long enough ago)."""
    Delivery.objects.filter(claimed_at__isnull=False).update(
        claimed_at=F("claimed_at") - services.LEASE - timedelta(seconds=1)
    )


def test_a_mention_is_queued_rendered_with_its_comment_and_sent_by_the_worker_turn(
    member, lena, objective
):
    mention(member, objective)
    delivery = Delivery.objects.get()
    assert (delivery.kind, delivery.person, delivery.sent_at) == ("mention", lena, None)
    assert delivery.claimed_at is None and delivery.attempts == 0
    assert "Mia Member mentioned you" in delivery.subject and "have a look" in delivery.body
    assert f"#discussion-{objective.pk}" in delivery.html
    assert mail.outbox == []

    turn = scheduling_services.tick()
    assert turn.queued.sent == {"mention": 1} and "Sent 1 mention." in str(turn)
    (message,) = mail.outbox
    assert message.to == [lena.email] and message.subject == delivery.subject
    assert message.extra_headers["X-Cadence-Kind"] == "mention"
    assert message.alternatives[0][0] == delivery.html
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.attempts == 1
    assert Notification.objects.get(person=lena).emailed_at is not None
    assert scheduling_services.tick().queued.total_sent == 0 and len(mail.outbox) == 1


def test_queuing_the_same_key_twice_queues_one_email(member, lena):
    def enqueue():
        return services.delivery_enqueue(
            kind=Delivery.Kind.MENTION,
            person=lena,
            key="mention:once",
            template="mention",
            context={"person": lena, "actor": member, "target_title": "X"},
        )

    assert enqueue() is True
    assert enqueue() is False
    assert Delivery.objects.count() == 1
    with pytest.raises(ValueError):
        services.delivery_enqueue(
            kind="mention", person=lena, key="", template="mention", context={}
        )


def test_a_change_that_rolls_back_queues_nothing(member, lena, objective):
    with pytest.raises(RuntimeError), transaction.atomic():
        mention(member, objective)
        assert Delivery.objects.count() == 1
        raise RuntimeError("the change fails after the email was queued")
    assert not Delivery.objects.exists()


def test_a_claim_held_by_a_worker_is_left_alone_until_its_lease_runs_out(member, lena, objective):
    """A worker claims the email, then dies before sending: no other worker sends it while the
    claim is leased; after the lease one takes it over and sends it, once."""
    mention(member, objective)
    pending = Delivery.objects.get()
    dead = services.delivery_claim_queued(delivery_id=pending.pk)
    assert dead is not None and dead.attempts == 1
    assert services.delivery_claim_queued(delivery_id=pending.pk) is None  # held
    assert services.deliveries_send_queued().total_sent == 0 and mail.outbox == []

    expire_claims()
    summary = services.deliveries_send_queued()
    assert summary.sent == {"mention": 1} and [m.to for m in mail.outbox] == [[lena.email]]
    # The dead worker's token no longer marks anything.
    assert services.delivery_mark_sent(delivery=dead) is False
    taken = Delivery.objects.get()
    assert taken.attempts == 2 and taken.sent_at is not None
    expire_claims()
    assert services.deliveries_send_queued().total_sent == 0 and len(mail.outbox) == 1


def test_a_refused_email_is_retried_after_the_lease_and_sent_once(
    member, lena, omar, objective, settings
):
    settings.EMAIL_BACKEND = "tests.mail.test_queue.RefusingBackend"
    mention(member, objective, "@lena.okafor and @omar.haddad, please")
    summary = services.deliveries_send_queued()
    assert summary.failed == 2 and summary.total_sent == 0
    assert all("mail server down" in d.last_error for d in Delivery.objects.all())
    assert services.deliveries_send_queued().failed == 0  # leased: not retried at once

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    expire_claims()
    assert services.deliveries_send_queued().sent == {"mention": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lena.email, omar.email])
    assert set(Delivery.objects.values_list("attempts", "last_error")) == {(2, "")}
    expire_claims()
    assert services.deliveries_send_queued().total_sent == 0 and len(mail.outbox) == 2


def test_an_email_that_keeps_failing_is_given_up(member, lena, objective, settings):
    settings.EMAIL_BACKEND = "tests.mail.test_queue.RefusingBackend"
    mention(member, objective)
    for _ in range(services.MAX_ATTEMPTS + 2):
        services.deliveries_send_queued(lease=timedelta(0))
    delivery = Delivery.objects.get()
    assert delivery.attempts == services.MAX_ATTEMPTS and delivery.sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.deliveries_send_queued(lease=timedelta(0)).total_sent == 0
    assert mail.outbox == []


def test_nobody_who_left_is_emailed(member, lena, objective):
    mention(member, objective)
    Person.objects.filter(pk=lena.pk).update(is_active=False)  # left after the mention
    assert services.deliveries_send_queued().total_sent == 0
    assert mail.outbox == []
    delivery = Delivery.objects.get()
    assert delivery.sent_at is None and delivery.attempts == services.MAX_ATTEMPTS
    assert delivery.last_error == "Not sent: the person left."


def test_scheduled_rows_are_not_taken_for_queued_ones(member, lena, objective, team):
    """A reminder's claim (no key) is never claimed by the queue's sender."""
    claim = services.delivery_claim_scheduled(
        kind=Delivery.Kind.REMINDER, person=lena, unit=team, week=objective.cycle.start
    )
    expire_claims()
    assert services.delivery_claim_queued(delivery_id=claim.pk) is None
    assert services.deliveries_send_queued().total_sent == 0 and mail.outbox == []


# Emails to an address (account emails, invitations) -----------------------------------------


@pytest.mark.django_db
def test_an_email_to_an_address_goes_there_once_even_for_nobody_or_someone_who_left():
    org, admin = f.make_org()
    leaver = f.make_person(org)
    leaver.is_active = False
    leaver.save()
    for to, person in [
        ("new@example.test", admin),
        ("nobody@example.test", None),
        (leaver.email, leaver),
    ]:
        assert services.delivery_enqueue_to_address(
            kind=Delivery.Kind.ACCOUNT,
            to=to,
            key=f"account:{to}",
            subject="Your   account",
            body="Hello",
            person=person,
        )
    # The same key again: nothing more.
    assert not services.delivery_enqueue_to_address(
        kind=Delivery.Kind.ACCOUNT,
        to="x@example.test",
        key="account:new@example.test",
        subject="s",
        body="b",
    )
    services.deliveries_send_queued()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["new@example.test", "nobody@example.test", leaver.email]
    )
    assert {m.subject for m in mail.outbox} == {"Your account"}
    services.deliveries_send_queued()
    assert len(mail.outbox) == 3
    assert Delivery.objects.get(to_address="nobody@example.test").organization_id is None


@pytest.mark.django_db
def test_an_email_needs_somebody_to_go_to():
    from django.db import IntegrityError

    with pytest.raises(ValueError):
        services.delivery_enqueue_to_address(
            kind=Delivery.Kind.ACCOUNT, to="", key="account:x", subject="s", body="b"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(kind=Delivery.Kind.ACCOUNT, key="account:y", attempts=0)
