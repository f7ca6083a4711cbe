"""Queued emails (mentions) with two `cadence worker` processes against one PostgreSQL: each
mention is emailed exactly once, whichever worker claims it; and with one worker SIGKILLed while
it holds a claim, the other sends that email once the lease has run out — still once.

The mentioned people are on no team, so nothing else (reminders, digests) is due: every email
the workers send is a mention. ``tests/scale/mailbox.py`` records each email the workers send,
with the process that sent it; its barrier makes both workers hold a claim at the same moment.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F

from cadence.feed import services as feed_services
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.orgs.selectors import company_unit
from tests import factories as f
from tests.scale import mailbox
from tests.scale.processes import environment, kill_group, start, stop, wait_until

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.real_clock,
]

MENTIONED = 12


@pytest.fixture
def mentions():
    """Three comments by an admin mentioning twelve people (four each), queued in the
    comments' transactions: twelve emails waiting for a worker."""
    org, admin = f.make_org("Mentions")
    people = [f.make_person(org, name=f"Mentioned {i:02d}") for i in range(MENTIONED)]
    target = f.make_objective(admin, f.make_cycle(admin), company_unit(org))
    for chunk in (people[0:4], people[4:8], people[8:12]):
        text = " ".join(f"@{p.email}" for p in chunk) + " please look"
        feed_services.comment_create(actor=admin, target=target, text=text)
    assert Delivery.objects.filter(kind="mention", sent_at__isnull=True).count() == MENTIONED
    return {p.email for p in people}


def _worker_env(mail_dir, **extra):
    return environment(
        EMAIL_BACKEND="tests.scale.mailbox.RecordingBackend",
        CADENCE_TEST_MAIL_DIR=str(mail_dir),
        CADENCE_TEST_BARRIER="2",
        CADENCE_TEST_SEND_DELAY="0.1",
        **extra,
    )


def _all_sent():
    return (
        Delivery.objects.filter(kind="mention").count() == MENTIONED
        and not Delivery.objects.filter(kind="mention", sent_at__isnull=True).exists()
    )


def _assert_each_once(mail_dir, expected):
    records = mailbox.sent(mail_dir)
    sent = Counter(to for r in records for to in r["to"])
    assert {r["kind"] for r in records} == {"mention"}
    assert set(sent) == expected and set(sent.values()) == {1}, sent
    return records


def test_two_workers_at_once_email_each_mention_exactly_once(mentions, tmp_path):
    assert connection.vendor == "postgresql"
    env = _worker_env(tmp_path)
    workers = [start(f"worker-{i}", ["worker", "--interval", "1"], env, tmp_path) for i in (1, 2)]
    try:
        wait_until(
            _all_sent, seconds=120, what="every mention to be sent", processes=workers, every=0.25
        )
        time.sleep(3)  # more turns of both workers: nothing is sent again
        for worker in workers:
            assert stop(worker) == 0, worker.output()
    finally:
        for worker in workers:
            kill_group(worker)
    records = _assert_each_once(tmp_path, mentions)
    by_process = Counter(r["pid"] for r in records)
    assert set(by_process) == {w.popen.pid for w in workers}, by_process  # both worked
    assert set(Delivery.objects.filter(kind="mention").values_list("attempts", flat=True)) == {1}
    for worker in workers:
        output = worker.output()
        assert "Cadence worker stopped." in output and "Traceback" not in output, output


def test_a_worker_killed_holding_a_mention_leaves_it_to_the_other_after_the_lease(
    mentions, tmp_path
):
    assert connection.vendor == "postgresql"
    doomed = start(
        "worker-1",
        ["worker", "--interval", "1"],
        _worker_env(tmp_path, CADENCE_TEST_HANG_AFTER="3"),
        tmp_path,
    )
    survivor = start("worker-2", ["worker", "--interval", "1"], _worker_env(tmp_path), tmp_path)
    try:
        (victim,) = wait_until(
            lambda: mailbox.hanging(tmp_path),
            seconds=120,
            what="worker 1 to hang on its third email",
            processes=[doomed, survivor],
        )
        doomed.popen.send_signal(signal.SIGKILL)
        doomed.popen.wait(timeout=30)
        wait_until(
            lambda: (
                Delivery.objects.filter(kind="mention", sent_at__isnull=False).count()
                == MENTIONED - 1
            ),
            seconds=120,
            what="worker 2 to send everything but the dead worker's claim",
            processes=[survivor],
            every=0.25,
        )
        stuck = Delivery.objects.select_related("person").get(sent_at__isnull=True)
        assert [stuck.person.email] == victim["to"]
        time.sleep(3)  # a few more turns of worker 2: the claim is leased
        assert Delivery.objects.filter(pk=stuck.pk, sent_at__isnull=True).exists()

        # Ten minutes pass: the lease runs out, worker 2 takes the claim over and sends it.
        Delivery.objects.filter(pk=stuck.pk).update(
            claimed_at=F("claimed_at") - mail_services.LEASE - timedelta(seconds=1)
        )
        wait_until(
            _all_sent,
            seconds=60,
            what="worker 2 to take over the expired claim",
            processes=[survivor],
            every=0.25,
        )
        assert stop(survivor) == 0, survivor.output()
    finally:
        kill_group(doomed)
        kill_group(survivor)
    records = _assert_each_once(tmp_path, mentions)
    by_process = Counter(r["pid"] for r in records)
    assert by_process[doomed.popen.pid] == 2, by_process  # it died holding its third
    assert {r["pid"] for r in records if r["to"] == victim["to"]} == {survivor.popen.pid}
    assert Delivery.objects.get(pk=stuck.pk).attempts == 2  # claimed, then taken over once
