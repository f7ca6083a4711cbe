"""The worker reads the reply mailbox (CADENCE_IMAP_URL) each turn, against a real Dovecot on
127.0.0.1: unseen replies become items, every message read is marked seen, a second turn adds
nothing, and a mailbox that cannot be read does not stop the worker."""

from cadence.mailin import services
from cadence.mailin.models import ReceivedReply
from cadence.scheduling import services as scheduling_services
from tests.mailin.conftest import eml, items_of
from tests.mailin.imap import dovecot  # noqa: F401  (the fixture)


def test_the_worker_turn_reads_unseen_replies_and_marks_them_seen(mia, dovecot):  # noqa: F811
    dovecot.deliver(
        eml("gmail.eml", mia),
        eml("japanese_base64.eml", token="b" * 48),  # not signed by us
        eml("outlook_auto_reply.eml", mia),  # an out-of-office answer
    )
    assert dovecot.unseen() == 3
    turn = scheduling_services.tick()
    assert any("Read 3 replies from the mailbox (1 added" in line for line in turn.others)
    assert len(items_of(mia)) == 5
    assert ReceivedReply.objects.get().via == ReceivedReply.Via.IMAP
    assert dovecot.unseen() == 0
    assert scheduling_services.tick().others == []  # nothing new: nothing read, nothing said
    assert len(items_of(mia)) == 5


def test_a_message_read_again_adds_nothing(mia, dovecot):  # noqa: F811
    raw = eml("thunderbird_flowed.eml", mia)
    dovecot.deliver(raw)
    assert services.mailbox_poll().added == 1
    dovecot.deliver(raw)  # the same message again (a re-delivery, a copy left unseen)
    summary = services.mailbox_poll()
    assert (summary.added, summary.duplicates) == (0, 1)
    assert len(items_of(mia)) == 3


def test_a_wrong_password_is_logged_and_the_worker_goes_on(mia, dovecot, settings, caplog):  # noqa: F811
    settings.CADENCE_IMAP_URL = dovecot.url.replace("mailbox-password", "wrong")
    dovecot.deliver(eml("gmail.eml", mia))
    turn = scheduling_services.tick()
    assert "Could not read the reply mailbox (see the log)." in turn.others
    assert "Could not read the reply mailbox" in caplog.text
    assert items_of(mia) == [] and dovecot.unseen() == 1
