"""Exactly once on PostgreSQL: the same reply processed by several threads at once (an MTA
retry racing a webhook retry), and two workers reading the same mailbox at once, add its items
once and queue one answer. Real threads with their own connections, committing real
transactions (hence ``transaction=True``). Skipped unless DATABASE_URL points at PostgreSQL."""

import pytest

from cadence.mail.models import Delivery
from cadence.mailin import services
from cadence.mailin.models import ReceivedReply
from tests.concurrency import run_together
from tests.mailin.conftest import eml, items_of
from tests.mailin.imap import dovecot  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 4


def test_one_reply_processed_at_once_by_several_adds_its_items_once(mia):
    raw = eml("gmail.eml", mia)
    outcomes = run_together(
        [lambda: services.reply_receive(raw=raw, via=ReceivedReply.Via.WEBHOOK)] * THREADS,
        what="a reply",
    )
    assert sum(o.taken for o in outcomes) == 1
    assert sum(o.duplicate for o in outcomes) == THREADS - 1
    assert len(items_of(mia)) == 5
    assert ReceivedReply.objects.count() == 1 and Delivery.objects.count() == 1


def test_two_workers_reading_the_mailbox_at_once_add_each_reply_once(mia, dovecot):  # noqa: F811
    dovecot.deliver(
        eml("gmail.eml", mia),
        eml("mutt_signed.eml", mia),
        eml("japanese_base64.eml", mia),
        eml("apple_mail.eml", mia),
    )
    summaries = run_together([services.mailbox_poll] * 2, what="a mailbox poll")
    assert sum(s.added for s in summaries) == 4
    assert len(items_of(mia)) == 5 + 3 + 4 + 2
    assert ReceivedReply.objects.count() == 4 and Delivery.objects.count() == 4
    assert dovecot.unseen() == 0
