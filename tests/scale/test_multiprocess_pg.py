"""The production set-up, several processes against one PostgreSQL (issue 6, point 4).

- Two app processes (`cadence serve`: gunicorn, 2 workers each, DEBUG off) on two ports take
  concurrent key-result check-ins through the API: nothing is lost, each key result's current
  value is its latest check-in's, and the progress of the objectives they roll up into, as
  served by either process at any moment, lies between what was acknowledged and what was sent
  — never stale — and equals a from-scratch roll-up of the database at the end.
- Two `cadence worker` processes at once, with reminders, digests and a carry-over due: each
  email goes out exactly once per person and week; and with one worker SIGKILLed mid-run, the
  other finishes the work, still exactly once.

The processes use the pytest database (``transaction=True`` commits the test's data, so they
see it). Every wait has a deadline and every process is stopped in a ``finally``.
"""

from __future__ import annotations

import itertools
import random
import signal
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from cadence.mail.models import Delivery
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import CheckIn, KeyResult, Objective
from cadence.orgs import services as org_services
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import company_unit
from cadence.scheduling import services as scheduling_services
from cadence.weekly import services as weekly_services
from cadence.weekly.models import Item
from cadence.weekly.weeks import monday_of, next_week
from tests import factories as f
from tests.scale import mailbox
from tests.scale.processes import (
    environment,
    http,
    kill_group,
    start,
    stop,
    two_servers,
    wait_until,
)

# real_clock: the servers and workers are other processes, on the wall clock.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.real_clock,
]

EPS = 1e-9


# Two app processes -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Two `cadence serve` processes (gunicorn, 2 workers × 4 threads each) on free ports."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    with two_servers(tmp_path_factory.mktemp("servers")) as urls:
        yield urls


class Tree:
    """The objectives and key results of one organization as plain values, rolled up with the
    pure ``okrs.progress`` functions: the from-scratch answer the served progress must match."""

    def __init__(self, organization):
        self.objectives = {
            o["id"]: o
            for o in Objective.objects.filter(organization=organization).values(
                "id", "parent_id", "state"
            )
        }
        self.krs = {
            k["id"]: k
            for k in KeyResult.objects.filter(organization=organization).values(
                "id", "objective_id", "kind", "start", "target", "direction", "weight", "current"
            )
        }

    def stored_values(self) -> dict:
        return {kr_id: kr["current"] for kr_id, kr in self.krs.items()}

    def roll_up(self, values: dict | None = None) -> dict:
        """Every objective's progress with the key results at ``values`` (default: as
        stored; a key result without a value counts at its start, as the app does)."""
        values = self.stored_values() if values is None else values
        nodes = {
            oid: arithmetic.Node(abandoned=o["state"] == Objective.State.ABANDONED)
            for oid, o in self.objectives.items()
        }
        for oid, o in self.objectives.items():
            if o["parent_id"] in nodes:
                nodes[o["parent_id"]].children.append(oid)
        for kr_id, kr in self.krs.items():
            value = values.get(kr_id)
            current = value if value is not None else kr["start"]
            p = arithmetic.kr_progress(
                kr["kind"],
                start=kr["start"],
                target=kr["target"],
                current=current,
                direction=kr["direction"] or None,
            )
            nodes[kr["objective_id"]].krs.append((p, kr["weight"]))
        return arithmetic.roll_up(nodes)


@pytest.fixture
def okrs():
    """A company objective P ← a department objective A (with a key result of its own) ← two
    team objectives A1, A2; and P ← a team objective B. Six metric key results (0 → 100, mixed
    weights) where check-ins land; a member of the three teams and the admin check in."""
    org, admin = f.make_org("Scale")
    today = timezone.localdate()  # the servers are other processes, on the wall clock
    cycle = f.make_cycle(
        admin, name="Around today", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    company = company_unit(org)
    product = f.make_unit(org, "Product", kind=Unit.Kind.DEPARTMENT)
    web = f.make_unit(org, "Web", parent=product)
    mobile = f.make_unit(org, "Mobile", parent=product)
    sales = f.make_unit(org, "Sales")
    member = f.make_person(org, name="Mia Member")
    for team in (web, mobile, sales):
        f.join(team, member)

    p = f.make_objective(admin, cycle, company, title="Customers renew because Cadence works")
    a = f.make_objective(admin, cycle, product, title="Product is fast everywhere", parent=p)
    a1 = f.make_objective(admin, cycle, web, title="The web app feels instant", parent=a)
    a2 = f.make_objective(admin, cycle, mobile, title="The mobile app feels instant", parent=a)
    b = f.make_objective(admin, cycle, sales, title="Sales closes larger deals", parent=p)
    admin_token = org_services.api_token_create(person=admin)[1]
    member_token = org_services.api_token_create(person=member)[1]
    krs, tokens = [], {}
    for objective, weight, who in [
        (a, 1.0, [admin_token]),
        (a1, 2.0, [admin_token, member_token]),
        (a1, 1.0, [member_token]),
        (a2, 0.5, [admin_token, member_token]),
        (b, 1.0, [member_token, admin_token]),
        (b, 3.0, [member_token]),
    ]:
        kr = f.make_kr(admin, objective, start=0, target=100, weight=weight)
        krs.append(kr.id)
        tokens[kr.id] = who
    return {
        "org": org,
        "parents": {"P": p.id, "A": a.id},
        "krs": krs,
        "tokens": tokens,
    }


def _check_in(url, token, kr_id, value):
    return http(
        "POST",
        f"{url}/api/v1/key-results/{kr_id}/check-ins",
        token,
        {"value": value, "confidence": "on_track", "note": f"value {value}"},
    )


def _stored_rollup_column():
    """The column where the app stores each objective's rolled-up progress, if it does."""
    names = {field.name for field in Objective._meta.concrete_fields}
    return next((n for n in ("rolled_up_progress", "progress") if n in names), None)


def _assert_served_equals_from_scratch(servers, okrs, token):
    tree = Tree(okrs["org"])
    expected = tree.roll_up()
    for url in servers:
        for name, objective_id in okrs["parents"].items():
            status, body = http("GET", f"{url}/api/v1/objectives/{objective_id}", token)
            assert status == 200, body
            assert body["progress"] == pytest.approx(expected[objective_id], abs=EPS), (
                f"{name} as served by {url}: {body['progress']}, from scratch: "
                f"{expected[objective_id]}"
            )
    column = _stored_rollup_column()
    if column:
        stored = dict(Objective.objects.filter(organization=okrs["org"]).values_list("id", column))
        for objective_id, progress in expected.items():
            assert stored[objective_id] == pytest.approx(progress, abs=EPS), (
                f"stored {column} of {objective_id}: {stored[objective_id]}, "
                f"from scratch: {progress}"
            )
    return expected


def test_parent_progress_served_by_either_process_is_never_stale(servers, okrs):
    """One writer thread per key result sends rising values, alternating between the two
    processes; readers meanwhile read P and A from both processes. Since every value rises,
    a parent's true progress only rises, and any read must lie between the roll-up of the
    check-ins acknowledged before it started and that of the check-ins sent before it ended.
    After each acknowledged check-in, the *other* process serves that key result's value."""
    krs, tokens = okrs["krs"], okrs["tokens"]
    tree = Tree(okrs["org"])
    lock = threading.Lock()
    acked = {kr_id: None for kr_id in krs}
    requested = dict(acked)
    problems: list[str] = []
    stop_reading = threading.Event()
    steps = 12
    reads = Counter()

    def write(index, kr_id):
        for step in range(1, steps + 1):
            value = step * 8 + index * 0.1  # rises with every step: 8.x … 96.x
            url, other = servers[(index + step) % 2], servers[(index + step + 1) % 2]
            token = tokens[kr_id][step % len(tokens[kr_id])]
            with lock:
                requested[kr_id] = value
            status, body = _check_in(url, token, kr_id, value)
            if status != 201:
                problems.append(f"check-in {value} on {kr_id} via {url}: {status} {body}")
                return
            with lock:
                acked[kr_id] = value
            status, body = http("GET", f"{other}/api/v1/key-results/{kr_id}", token)
            if status != 200 or body["current"] != value:
                problems.append(
                    f"{other} served {kr_id} as {body} after {url} acknowledged {value}"
                )

    def read(index):
        token = tokens[krs[0]][0]
        for turn in itertools.count():
            if stop_reading.is_set():
                return
            url = servers[(index + turn) % 2]
            name = "P" if turn % 3 else "A"
            objective_id = okrs["parents"][name]
            with lock:
                low = tree.roll_up(dict(acked))[objective_id]
            status, body = http("GET", f"{url}/api/v1/objectives/{objective_id}", token)
            with lock:
                high = tree.roll_up(dict(requested))[objective_id]
            if status != 200:
                problems.append(f"reading {name} via {url}: {status} {body}")
                return
            served = body["progress"]
            reads[url] += 1
            if not (low - EPS <= served <= high + EPS):
                problems.append(f"{name} via {url}: served {served}, outside [{low}, {high}]")

    with ThreadPoolExecutor(max_workers=len(krs) + 2) as pool:
        readers = [pool.submit(read, i) for i in range(2)]
        writers = [pool.submit(write, i, kr_id) for i, kr_id in enumerate(krs)]
        try:
            for writer in writers:
                writer.result(timeout=300)
        finally:
            stop_reading.set()
        for reader in readers:
            reader.result(timeout=60)

    assert not problems, "\n".join(problems[:20])
    assert set(reads) == set(servers) and min(reads.values()) >= 5, reads
    assert CheckIn.objects.filter(key_result_id__in=krs).count() == len(krs) * steps
    final = {kr_id: steps * 8 + i * 0.1 for i, kr_id in enumerate(krs)}
    assert dict(KeyResult.objects.filter(id__in=krs).values_list("id", "current")) == final
    expected = _assert_served_equals_from_scratch(servers, okrs, tokens[krs[0]][0])
    assert expected == pytest.approx(tree.roll_up(final))


def test_concurrent_check_ins_through_two_processes_lose_nothing(servers, okrs):
    """Eight threads send check-ins at random to the six key results, each request to one of
    the two processes in turn: many land on the same key result at the same moment from
    different processes. Every one is stored, each key result's current value is its latest
    check-in's, and both processes serve the parents' from-scratch progress."""
    krs, tokens = okrs["krs"], okrs["tokens"]
    rng = random.Random(6)
    plan = []
    for n in range(160):
        kr_id = rng.choice(krs)
        value = round(rng.uniform(0, 100), 3) + n * 1e-6  # unique: each check-in is traceable
        plan.append((servers[n % 2], tokens[kr_id][n % len(tokens[kr_id])], kr_id, value))

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda job: _check_in(*job), plan, timeout=300))
    elapsed = time.monotonic() - started

    failures = [(job, r) for job, r in zip(plan, results, strict=True) if r[0] != 201]
    assert not failures, failures[:5]
    print(f"\n{len(plan)} check-ins through 2 processes in {elapsed:.1f} s")

    sent = Counter((kr_id, value) for _url, _token, kr_id, value in plan)
    stored = Counter(
        CheckIn.objects.filter(key_result_id__in=krs).values_list("key_result", "value")
    )
    assert stored == sent, "check-ins lost or duplicated"
    for kr in KeyResult.objects.filter(id__in=krs):
        latest = CheckIn.objects.filter(key_result=kr).order_by("-at", "-created_at").first()
        assert (kr.current, kr.last_check_in_at) == (latest.value, latest.at), kr.id
    _assert_served_equals_from_scratch(servers, okrs, tokens[krs[0]][0])


# Two workers -------------------------------------------------------------------------------


def _since_long_ago(row):
    """Memberships count for a digest only if they existed at its deadline."""
    type(row).objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(days=60))
    return row


@pytest.fixture
def due_work():
    """Against the real clock (workers read it): a team whose deadline is an hour away, so
    its members who have not written are reminded, and a team whose deadline passed an hour
    ago, so its members and followers get its digest and its open plans are carried over."""
    org, admin = f.make_org("Workers")
    now = timezone.now().replace(second=0, microsecond=0)
    company = company_unit(org)
    teams = {}
    for name, deadline in (("Soon", now + timedelta(hours=1)), ("Past", now - timedelta(hours=1))):
        team = org_services.unit_create(
            actor=admin,
            organization=org,
            parent=company,
            name=name,
            kind=Unit.Kind.TEAM,
            time_zone="UTC",
        )
        org_services.unit_rhythm_update(
            actor=admin,
            unit=team,
            checkin_weekday=deadline.weekday(),
            checkin_time=deadline.time(),
            time_zone="UTC",
        )
        teams[name] = (team, deadline)

    def members(team, count, label):
        people = []
        for i in range(count):
            person = f.make_person(org, name=f"{label} {i:02d}")
            _since_long_ago(f.join(team, person))
            people.append(person)
        return people

    soon, soon_deadline = teams["Soon"]
    past, past_deadline = teams["Past"]
    soon_people, past_people = members(soon, 12, "Soon"), members(past, 10, "Past")
    for person in soon_people[:3]:  # written already: no reminder
        weekly_services.item_create(
            actor=person,
            person=person,
            week=monday_of(soon_deadline.date()),
            category="plans",
            text="Ship the onboarding email",
        )
    past_week = monday_of(past_deadline.date())
    plans = []
    for person in past_people[:4]:  # the digest has something to report, and plans to carry
        plans.append(
            weekly_services.item_create(
                actor=person,
                person=person,
                week=past_week,
                category="plans",
                text=f"Call the {person.name} accounts",
                at=past_deadline - timedelta(hours=2),  # written before the deadline
            )
        )
    followers = []
    for i in range(3):
        viewer = f.make_person(org, role=Person.Role.VIEWER, name=f"Board {i}")
        _since_long_ago(scheduling_services.digest_subscribe(actor=viewer, unit=past))
        followers.append(viewer)
    expected = {("reminder", p.email) for p in soon_people[3:]} | {
        ("digest", p.email) for p in past_people + followers
    }
    return {"expected": expected, "plans": plans, "next_week": next_week(past_week)}


def _worker_env(mail_dir, **extra):
    return environment(
        EMAIL_BACKEND="tests.scale.mailbox.RecordingBackend",
        CADENCE_TEST_MAIL_DIR=str(mail_dir),
        CADENCE_TEST_BARRIER="2",
        CADENCE_TEST_SEND_DELAY="0.1",
        **extra,
    )


def _all_sent(expected_count):
    def check():
        return (
            Delivery.objects.count() == expected_count
            and not Delivery.objects.filter(sent_at__isnull=True).exists()
        )

    return check


def _assert_exactly_once(mail_dir, due_work):
    records = mailbox.sent(mail_dir)
    sent = Counter((r["kind"], to) for r in records for to in r["to"])
    missing = due_work["expected"] - set(sent)
    extra = set(sent) - due_work["expected"]
    twice = {key: n for key, n in sent.items() if n > 1}
    assert not missing and not extra and not twice, (missing, extra, twice)
    assert Delivery.objects.filter(sent_at__isnull=False).count() == len(due_work["expected"])
    # The carry-over ran in both workers too: each open plan went into next week once.
    for plan in due_work["plans"]:
        carried = Item.objects.filter(carried_over_from=plan)
        assert carried.count() == 1 and carried.get().update.week == due_work["next_week"]
    return records


def test_two_workers_at_once_send_each_email_exactly_once(due_work, tmp_path):
    assert connection.vendor == "postgresql"
    env = _worker_env(tmp_path)
    workers = [start(f"worker-{i}", ["worker", "--interval", "1"], env, tmp_path) for i in (1, 2)]
    try:
        wait_until(
            _all_sent(len(due_work["expected"])),
            seconds=120,
            what="every reminder and digest to be sent",
            processes=workers,
            every=0.25,
        )
        time.sleep(3)  # more turns of both workers: nothing is sent again
        for worker in workers:
            assert stop(worker) == 0, worker.output()
    finally:
        for worker in workers:
            kill_group(worker)
    records = _assert_exactly_once(tmp_path, due_work)
    by_process = Counter(r["pid"] for r in records)
    assert set(by_process) == {w.popen.pid for w in workers}, by_process  # both worked
    for worker in workers:
        output = worker.output()
        assert "Cadence worker stopped." in output and "Traceback" not in output, output


def test_a_worker_killed_mid_run_leaves_the_rest_to_the_other_exactly_once(due_work, tmp_path):
    """Worker 1 hangs while sending its third email (claimed, not sent) and is SIGKILLed.
    Worker 2 sends everything else, leaves the dead worker's claim alone while it is leased,
    and sends that email once the lease has run out."""
    assert connection.vendor == "postgresql"
    doomed = start(
        "worker-1",
        ["worker", "--interval", "1"],
        _worker_env(tmp_path, CADENCE_TEST_HANG_AFTER="3"),
        tmp_path,
    )
    survivor = start("worker-2", ["worker", "--interval", "1"], _worker_env(tmp_path), tmp_path)
    total = len(due_work["expected"])
    try:
        hung = wait_until(
            lambda: mailbox.hanging(tmp_path),
            seconds=120,
            what="worker 1 to hang on its third email",
            processes=[doomed, survivor],
        )
        doomed.popen.send_signal(signal.SIGKILL)
        doomed.popen.wait(timeout=30)
        assert doomed.popen.returncode == -signal.SIGKILL
        (victim,) = hung
        victim_key = (victim["kind"], victim["to"][0])

        # Worker 2 does everything else; the dead worker's claim stays unsent while leased.
        wait_until(
            lambda: (
                Delivery.objects.count() == total
                and Delivery.objects.filter(sent_at__isnull=False).count() == total - 1
            ),
            seconds=120,
            what="worker 2 to send everything but the dead worker's claim",
            processes=[survivor],
            every=0.25,
        )
        stuck = Delivery.objects.select_related("person").get(sent_at__isnull=True)
        assert (stuck.kind, stuck.person.email) == victim_key
        time.sleep(3)  # a few more turns of worker 2
        assert Delivery.objects.filter(pk=stuck.pk, sent_at__isnull=True).exists()

        # Ten minutes pass: the lease runs out, worker 2 takes the claim over and sends it.
        Delivery.objects.filter(pk=stuck.pk).update(
            claimed_at=F("claimed_at") - scheduling_services.LEASE - timedelta(seconds=1)
        )
        wait_until(
            _all_sent(total),
            seconds=60,
            what="worker 2 to take over the expired claim",
            processes=[survivor],
            every=0.25,
        )
        assert stop(survivor) == 0, survivor.output()
    finally:
        kill_group(doomed)
        kill_group(survivor)
    records = _assert_exactly_once(tmp_path, due_work)
    by_process = Counter(r["pid"] for r in records)
    assert by_process[doomed.popen.pid] == 2, by_process  # it died holding its third
    senders = {r["pid"] for r in records if (r["kind"], r["to"][0]) == victim_key}
    assert senders == {survivor.popen.pid}
    assert Delivery.objects.get(pk=stuck.pk).attempts == 2  # claimed, then taken over once
