"""Exactly once on PostgreSQL: schedulers running at the same time, and a scheduler killed
mid-way (SIGKILL, between claiming a send and sending it) and run again.

Real threads and processes with their own database connections, committing real
transactions (hence ``transaction=True``). Skipped unless DATABASE_URL points at PostgreSQL.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.db.models import F

from cadence.mail.models import Delivery
from cadence.scheduling import services
from tests import factories as f
from tests.concurrency import run_together
from tests.scheduling.backends import recorded
from tests.scheduling.conftest import berlin, join, since_long_ago, write_update

# real_clock: a killed scheduler process claims with its own clock, which the lease is read against.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.real_clock,
]

ROOT = Path(__file__).resolve().parents[2]
REMINDER_AT, DIGEST_AT = berlin(27, 15, 30), berlin(27, 17, 1)
THREADS = 4


@pytest.fixture
def crowd(org, berlin_team):
    """Eight members (two have written their update) and two board members who follow."""
    members = []
    for i in range(8):
        person = f.make_person(org, name=f"Member {i}")
        join(berlin_team, person)
        members.append(person)
    for person in members[:2]:
        write_update(person)
    followers = []
    for i in range(2):
        person = f.make_person(org, role="viewer", name=f"Board {i}")
        since_long_ago(services.digest_subscribe(actor=person, unit=berlin_team))
        followers.append(person)
    return {
        "reminded": sorted(p.email for p in members[2:]),
        "digested": sorted(p.email for p in members + followers),
    }


def per_person(kind):
    return Counter(
        to for m in mail.outbox if m.extra_headers["X-Cadence-Kind"] == kind for to in m.to
    )


def the_lease_runs_out():
    """Time passes: unsent claims become older than the lease."""
    Delivery.objects.filter(sent_at__isnull=True).update(
        claimed_at=F("claimed_at") - services.LEASE - timedelta(seconds=1)
    )


def test_schedulers_running_at_once_send_each_email_exactly_once(crowd):
    assert connection.vendor == "postgresql"
    run_together([lambda: services.run_once(REMINDER_AT)] * THREADS)
    run_together([lambda: services.run_once(DIGEST_AT)] * THREADS)
    # And whole worker turns (carry-over too), twice over, at the same moment.
    run_together([lambda: services.tick(DIGEST_AT)] * THREADS)

    reminders, digests = per_person("reminder"), per_person("digest")
    assert sorted(reminders) == crowd["reminded"] and set(reminders.values()) == {1}
    assert sorted(digests) == crowd["digested"] and set(digests.values()) == {1}
    assert Delivery.objects.filter(sent_at__isnull=True).count() == 0
    assert Delivery.objects.count() == len(crowd["reminded"]) + len(crowd["digested"])


def _database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _remind_in_a_process_killed_at(moment, victim: str, mail_dir: Path) -> None:
    """`cadence remind --now …` in a subprocess that is SIGKILLed while sending to ``victim``
    (its claim is in the database, its email not sent)."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "tests.scheduling.backends.FileRecordingBackend",
        "CADENCE_TEST_MAIL_DIR": str(mail_dir),
        "CADENCE_TEST_HANG_ON": victim,
        "PYTHONPATH": str(ROOT),
    }
    marker = mail_dir / "hanging"
    marker.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "cadence.cli", "remind", "--now", moment.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the scheduler never reached the victim"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL


def test_a_scheduler_killed_mid_way_and_run_again_sends_each_email_exactly_once(crowd, tmp_path):
    assert connection.vendor == "postgresql"
    reminder_victim, digest_victim = crowd["reminded"][3], crowd["digested"][5]

    _remind_in_a_process_killed_at(REMINDER_AT, reminder_victim, tmp_path)
    stuck = Delivery.objects.get(kind="reminder", sent_at__isnull=True)
    assert stuck.person.email == reminder_victim
    # Run again at once: it sends what the dead worker had not reached, and leaves the dead
    # worker's claim alone while it is leased (that worker might only be slow).
    summary = services.run_once(REMINDER_AT)
    assert summary.skipped == 1
    assert Delivery.objects.get(kind="reminder", sent_at__isnull=True) == stuck
    # Ten minutes later the lease has run out: the claim is taken over and the email sent.
    the_lease_runs_out()
    assert services.run_once(REMINDER_AT).total_sent == 1

    _remind_in_a_process_killed_at(DIGEST_AT, digest_victim, tmp_path)
    assert Delivery.objects.get(kind="digest", sent_at__isnull=True).person.email == digest_victim
    # Two schedulers pick up after the crash at the same moment: still one email each.
    the_lease_runs_out()
    run_together([lambda: services.run_once(DIGEST_AT)] * THREADS)

    sent = Counter()
    for record in recorded(tmp_path):
        for to in record["to"]:
            sent[(record["kind"], to)] += 1
    for message in mail.outbox:
        for to in message.to:
            sent[(message.extra_headers["X-Cadence-Kind"], to)] += 1
    assert sorted(to for kind, to in sent if kind == "reminder") == crowd["reminded"]
    assert sorted(to for kind, to in sent if kind == "digest") == crowd["digested"]
    assert set(sent.values()) == {1}, sent
    assert not Delivery.objects.filter(sent_at__isnull=True).exists()


def test_workers_running_at_once_send_each_subscriber_update_exactly_once(crowd, org, admin):
    """External subscribers' emails are queued under one key per subscriber and period: workers
    that find them due at the same moment queue and send each once."""
    from cadence.scheduling import subscriber_services

    team = org.units.get(name="Growth")
    readers = [f"reader{i}@investor.example" for i in range(3)]
    for email in readers:
        since_long_ago(
            subscriber_services.subscriber_add(
                actor=admin, email=email, what="team_digest", unit=team
            )
        )
    run_together([lambda: services.tick(DIGEST_AT)] * THREADS)
    run_together([lambda: services.tick(DIGEST_AT)] * THREADS)
    subscribers = per_person("subscriber")
    assert sorted(subscribers) == readers and set(subscribers.values()) == {1}
    assert Delivery.objects.filter(kind="subscriber", sent_at__isnull=True).count() == 0
