"""Running the scheduler: each send at most once however often it runs, a crash mid-way
resumed after the lease, a refused email retried — and the commands that run it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from cadence.cli import main
from cadence.mail.models import Delivery
from cadence.scheduling import services
from cadence.weekly.models import Item
from tests.scheduling.conftest import NEXT_WEEK, WEEK, berlin, sent_to, write_update

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """The worker dies (not an error it could catch and record)."""


class CrashingBackend(LocmemBackend):
    """Delivers like locmem, but the process 'dies' when it reaches a chosen recipient."""

    doomed: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            if set(message.to) & self.doomed:
                raise Crash(message.to)
        return super().send_messages(messages)


class RefusingBackend(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_remind_twice_at_the_same_moment_sends_each_person_one_reminder(alice, bob, capsys):
    assert main(["remind", "--now", "2026-11-27T15:30:00+01:00"]) == 0
    assert "Sent 2 reminders and 0 digests." in capsys.readouterr().out
    assert main(["remind", "--now", "2026-11-27T15:30:00+01:00"]) == 0
    assert "Sent 0 reminders and 0 digests." in capsys.readouterr().out
    assert main(["remind", "--now", "2026-11-27T16:45:00+01:00"]) == 0
    assert sent_to("reminder") == sorted([alice.email, bob.email])


def test_remind_sends_the_digests_due_too(alice, bob, board, capsys):
    write_update(alice)
    assert main(["remind", "--now", "2026-11-27T17:00:00+01:00"]) == 0
    assert "Sent 0 reminders and 3 digests." in capsys.readouterr().out
    assert main(["remind", "--now", "2026-11-28T09:00:00+01:00"]) == 0
    assert len(mail.outbox) == 3


def test_remind_reads_a_time_without_offset_in_the_time_zone_setting(alice, settings, capsys):
    settings.TIME_ZONE = "UTC"
    assert main(["remind", "--now", "2026-11-27T14:30"]) == 0  # 15:30 in Berlin
    assert sent_to("reminder") == [alice.email]


def test_remind_with_a_bad_moment_fails_clearly(alice, capsys):
    assert main(["remind", "--now", "next friday"]) == 1
    err = capsys.readouterr().err
    assert "--now" in err and "Traceback" not in err
    assert mail.outbox == [] and not Delivery.objects.exists()


def test_rollover_carries_a_weeks_open_plans_once(alice, capsys):
    write_update(alice, text="Finish the pricing page")
    assert main(["rollover", "--week", "2026-W48"]) == 0
    assert "Carried 1 item over from 2026-W48 into 2026-W49." in capsys.readouterr().out
    assert main(["rollover", "--week", "2026-W48"]) == 0
    assert "Carried 0 items" in capsys.readouterr().out
    carried = Item.objects.get(update__week=NEXT_WEEK)
    assert carried.text == "Finish the pricing page" and carried.carried_over


@pytest.mark.parametrize("week", ["2026-47", "2026-W54", "", "W47"])
def test_rollover_with_a_bad_week_fails_clearly(db, capsys, week):
    assert main(["rollover", "--week", week]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cadence: ") and "Traceback" not in err


def test_worker_rejects_a_bad_interval(db, capsys):
    assert main(["worker", "--interval", "0"]) == 1
    assert "--interval" in capsys.readouterr().err


def test_a_crash_between_claim_and_send_is_resumed_after_the_lease(alice, bob, settings):
    settings.EMAIL_BACKEND = f"{__name__}.CrashingBackend"
    CrashingBackend.doomed = {bob.email}
    with pytest.raises(Crash):
        services.run_once(berlin(27, 16))
    # Alice's reminder went out; Bob's is claimed by the dead run and not sent.
    assert sent_to() == [alice.email]
    claim = Delivery.objects.get(person=bob)
    assert claim.sent_at is None

    CrashingBackend.doomed = set()
    # Within the lease another run keeps its hands off: the first worker might still send.
    summary = services.run_once(berlin(27, 16, 5))
    assert summary.total_sent == 0 and summary.skipped == 1
    # Once the lease has run out, the next run takes the claim over and sends.
    Delivery.objects.filter(pk=claim.pk).update(
        claimed_at=claim.claimed_at - services.LEASE - timedelta(seconds=1)
    )
    summary = services.run_once(berlin(27, 16, 10))
    assert summary.total_sent == 1
    assert sent_to() == sorted([alice.email, bob.email])
    claim.refresh_from_db()
    assert claim.sent_at is not None and claim.attempts == 2
    assert services.run_once(berlin(27, 16, 20)).total_sent == 0


def test_a_refused_email_is_recorded_and_retried_after_the_lease(alice, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    summary = services.run_once(berlin(27, 16))
    assert summary.failed == 1 and summary.total_sent == 0
    claim = Delivery.objects.get()
    assert claim.sent_at is None and "mail server is down" in claim.last_error

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert services.run_once(berlin(27, 16), lease=timedelta(0)).total_sent == 1
    claim.refresh_from_db()
    assert claim.sent_at is not None and claim.last_error == ""
    assert sent_to() == [alice.email]


def test_a_send_that_keeps_failing_is_given_up(alice, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    for _ in range(services.MAX_ATTEMPTS + 2):
        services.run_once(berlin(27, 16), lease=timedelta(0))
    assert Delivery.objects.get().attempts == services.MAX_ATTEMPTS


def test_one_claim_row_per_kind_person_week_and_team(alice, bob):
    write_update(alice)
    for moment in (berlin(27, 16), berlin(27, 16, 30), berlin(27, 17), berlin(27, 17, 30)):
        services.run_once(moment)
    rows = sorted(Delivery.objects.values_list("kind", "person__name", "week", "unit__name"))
    assert rows == [
        ("digest", "Alice Adler", WEEK, "Growth"),
        ("digest", "Bob Berger", WEEK, "Growth"),
        ("reminder", "Bob Berger", WEEK, "Growth"),
    ]
    assert len(mail.outbox) == 3


def test_a_worker_turn_carries_the_week_over_then_sends_the_digest(alice, bob):
    write_update(alice, text="Finish the pricing page")
    result = services.tick(berlin(27, 17, 1))
    assert result.carried == 1
    assert result.sends.sent == {"digest": 2}
    assert Item.objects.get(update__week=NEXT_WEEK).carried_over
    again = services.tick(berlin(27, 17, 2))
    assert again.carried == 0 and again.sends.total_sent == 0
