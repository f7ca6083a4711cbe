"""The key-result card's fragment cache across processes (issue 19.1): two `cadence serve`
processes (gunicorn, 2 workers each) against one PostgreSQL, sharing one Redis
(CACHE_URL=redis://…/7, flushed first) or each with its own memory (CACHE_URL unset). Check-ins
land through the API on either process and the key result is renamed in between; the objective
page, read from both processes all the while, never shows a value older than the last
acknowledged check-in nor a title older than the last committed rename — and right after each
write, the other process shows it.

Needs PostgreSQL (as tests/scale/test_multiprocess_pg.py) and, for the shared cache, Redis on
127.0.0.1:6379; each skips with a reason without them (under CI they must run).
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from cadence.orgs import services as org_services
from tests import factories as f
from tests.scale.processes import http, two_servers
from tests.web.html_parts import element

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.real_clock,
]

# A Redis database of this test's own: it is flushed.
REDIS_URL = os.environ.get("CADENCE_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"needs Redis at {REDIS_URL}: {error}")


@pytest.fixture(params=["shared Redis", "memory of each process"])
def servers(request, django_db_setup, tmp_path_factory):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    shared = request.param == "shared Redis"
    if shared:
        _redis_or_skip()
    logs = tmp_path_factory.mktemp("fragment-servers")
    with two_servers(logs, CACHE_URL=REDIS_URL if shared else "") as urls:
        yield urls
    if shared:
        import redis

        keys = redis.Redis.from_url(REDIS_URL).keys("*krcard*")
        # The processes did keep the cards in the shared cache.
        assert keys, "no card was kept in Redis"


@pytest.fixture
def card_world():
    org, admin = f.make_org("Fragments")
    today = timezone.localdate()  # the servers are other processes, on the wall clock
    cycle = f.make_cycle(
        admin, name="Around today", start=today - timedelta(days=30), end=today + timedelta(days=60)
    )
    team = f.make_unit(org, "Web")
    member = f.make_person(org, name="Mia Member")
    f.join(team, member)
    objective = f.make_objective(admin, cycle, team, title="The web app feels instant")
    kr = f.make_kr(admin, objective, title="Title 0", start=0, target=1000, owner=member)
    token = org_services.api_token_create(person=member)[1]
    browser = Client()
    browser.force_login(member)  # a session row, committed: either process reads it
    return {
        "admin": admin,
        "kr": kr,
        "token": token,
        "cookie": browser.cookies["sessionid"].value,
        "path": reverse("objective_detail", args=[objective.id]),
    }


NOW_FIGURE = re.compile(r"<dt>Now</dt><dd><strong>([\d,.]+)</strong>")
TITLE = re.compile(r'<h3 class="kr-card__title">Title (\d+)</h3>')


def _card(url: str, world) -> tuple[float | None, int]:
    """The card's current value and the number in its title, as served."""
    request = urllib.request.Request(f"{url}{world['path']}")
    request.add_header("Cookie", f"sessionid={world['cookie']}")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        html = response.read().decode()
    card = element(html, f"kr-{world['kr'].id}")
    assert card is not None, html[:2000]
    value = NOW_FIGURE.search(card)
    title = TITLE.search(card)
    assert title, card
    return (float(value.group(1).replace(",", "")) if value else None), int(title.group(1))


def test_the_card_is_never_older_than_the_last_write(servers, card_world):
    """One writer checks in rising values (alternating the processes) and renames the key
    result every third step; two readers read the page from both processes meanwhile. A read
    must show at least what was acknowledged before it began; after each write, both processes
    (each of their workers, several reads) show exactly it."""
    world = card_world
    kr = world["kr"]
    lock = threading.Lock()
    acked = {"value": None, "title": 0}
    problems: list[str] = []
    stop_reading = threading.Event()
    reads = {url: 0 for url in servers}

    def read(index):
        for turn in itertools.count():
            if stop_reading.is_set():
                return
            url = servers[(index + turn) % 2]
            with lock:
                low = dict(acked)
            value, title = _card(url, world)
            reads[url] += 1
            if low["value"] is not None and (value is None or value < low["value"]):
                problems.append(f"{url} showed {value} after {low['value']} was acknowledged")
            if title < low["title"]:
                problems.append(f"{url} showed Title {title} after Title {low['title']}")

    def write():
        try:
            steps()
        finally:
            connection.close()  # this thread's own connection (the renames)

    def steps():
        for step in range(1, 10):
            value = step * 10
            url = servers[step % 2]
            status, body = http(
                "POST",
                f"{url}/api/v1/key-results/{kr.id}/check-ins",
                world["token"],
                {"value": value, "confidence": "on_track", "note": f"step {step}"},
            )
            if status != 201:
                problems.append(f"check-in {value} via {url}: {status} {body}")
                return
            with lock:
                acked["value"] = value
            if step % 3 == 0:
                okr_services.key_result_update(
                    actor=world["admin"],
                    key_result=KeyResult.objects.get(pk=kr.pk),
                    title=f"Title {step}",
                )
                with lock:
                    acked["title"] = step
            for other in servers:
                for _ in range(4):  # spread over each process's gunicorn workers
                    shown = _card(other, world)
                    if shown != (value, acked["title"]):
                        problems.append(
                            f"{other} showed {shown} right after ({value}, {acked['title']})"
                        )

    # Both processes have the card cached before the first write.
    for url in servers:
        for _ in range(4):
            assert _card(url, world) == (0.0, 0)
    with ThreadPoolExecutor(max_workers=3) as pool:
        readers = [pool.submit(read, i) for i in range(2)]
        try:
            pool.submit(write).result(timeout=300)
        finally:
            stop_reading.set()
        for reader in readers:
            reader.result(timeout=60)
    assert not problems, "\n".join(problems[:20])
    assert min(reads.values()) >= 5, reads
