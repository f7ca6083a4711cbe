"""The key-result card is kept in the fragment cache (cadence/okrs/fragments.py) and is never
stale (issue 19.1).

Each write that can change what a card shows is made through the services, between two
renders of the objective page: the card after it shows the change (its new text in, the old one
out) and is exactly the card rendered from an empty cache. The first render's card is warm (the
next render without a write reads it from the cache: counted on Django's cache itself), so a
key that missed the write would serve the old HTML.

Then every part of the key is taken out in turn: a write it alone records then leaves a stale
card, so none of them is redundant, and a key without one of them fails the test above.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from cadence.alignment import services as alignment_services
from cadence.integrations import sources
from cadence.okrs import fragments
from cadence.okrs import services as okr_services
from cadence.okrs.models import KeyResult
from cadence.orgs import person_services
from cadence.orgs.models import Membership, Unit
from cadence.reviews import services as review_services
from cadence.scoring import services as scoring_services
from cadence.transfer.services import okr_import_apply, okr_import_dry_run
from tests import factories as f
from tests.clock import TEST_NOW
from tests.transfer.conftest import files, okr_row
from tests.web.html_parts import element

pytestmark = pytest.mark.django_db

SOURCE_URL = "http://127.0.0.1:9/activation.json"  # never fetched: the tests hand the outcome in


@dataclass
class World:
    org: object
    admin: object
    cycle: object
    department: object
    team: object
    mia: object  # a member of the team, owner of the key results
    dana: object  # lead of the department above the team: edits and checks in; the reader
    objective: object
    kr: object
    kr2: object  # updated from a data source
    client: object
    query: str = ""
    cards: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return reverse("objective_detail", args=[self.objective.id]) + self.query


@pytest.fixture
def w(client, org, admin, cycle, settings) -> World:
    settings.ALLOW_PRIVATE_OUTBOUND = True
    department = f.make_unit(org, "Engineering", kind=Unit.Kind.DEPARTMENT)
    team = f.make_unit(org, "Web", parent=department)
    mia = f.make_person(org, name="Mia Member")
    f.join(team, mia)
    dana = f.make_person(org, name="Dana Lead")
    f.join(department, dana, role=Membership.Role.LEAD)
    company = f.make_objective(admin, cycle, department.parent, title="Customers stay with us")
    objective = f.make_objective(mia, cycle, team, title="Onboarding people finish", parent=company)
    kr = f.make_kr(
        mia,
        objective,
        title="Teams finishing onboarding",
        start=10,
        target=50,
        unit="teams",
        owner=mia,
    )
    kr2 = f.make_kr(mia, objective, title="Weekly active teams", start=0, target=200, owner=mia)
    # A week and two hours ago by the admin; an hour ago by the owner.
    okr_services.check_in_create(
        actor=admin,
        key_result=kr,
        value=20,
        confidence="on_track",
        note="First teams through",
        at=TEST_NOW - timedelta(days=7) + timedelta(hours=2),
    )
    okr_services.check_in_create(
        actor=mia,
        key_result=kr,
        value=26,
        confidence="on_track",
        note="Climbing steadily",
        at=TEST_NOW - timedelta(hours=1),
    )
    sources.data_source_set(
        actor=mia, key_result=kr2, kind="http_json", url=SOURCE_URL, path="value"
    )
    client.force_login(dana)
    return World(
        org=org,
        admin=admin,
        cycle=cycle,
        department=department,
        team=team,
        mia=mia,
        dana=dana,
        objective=objective,
        kr=kr,
        kr2=kr2,
        client=client,
    )


# Reading the page --------------------------------------------------------------------------


@contextlib.contextmanager
def cache_reads():
    """The fragment cache's reads during the block, as (hits, misses): Django's own cache, its
    ``get`` wrapped to count what it answered."""
    hits, misses = [], []
    real = cache.get

    def counted(key, default=None, version=None):
        value = real(key, default, version=version)
        (hits if value is not None else misses).append(key)
        return value

    cache.get = counted
    try:
        yield hits, misses
    finally:
        del cache.get


def page(w: World, status: int = 200) -> str:
    response = w.client.get(w.url)
    assert response.status_code == status
    return response.content.decode()


def card(w: World, kr) -> str | None:
    return element(page(w), f"kr-{kr.id}")


def warm(w: World, kr) -> str:
    """The card, rendered and then read again from the cache (asserted)."""
    first = card(w, kr)
    assert first is not None
    with cache_reads() as (hits, misses):
        again = card(w, kr)
    assert again == first
    assert [k for k in hits if str(kr.id) in k], "the second render did not hit the cache"
    assert not [k for k in misses if str(kr.id) in k]
    return first


def fresh(w: World, kr) -> str | None:
    """The card rendered from an empty cache: what the page must show."""
    cache.clear()
    return card(w, kr)


# The writes --------------------------------------------------------------------------------


def reread(model):
    return type(model).objects.get(pk=model.pk)


@dataclass(frozen=True)
class Write:
    """A write made between two renders; ``act`` may return a context (another moment, another
    server time zone) that the second render happens in. ``card``: which key result's card."""

    act: Callable[[World], contextlib.AbstractContextManager | None]
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()
    card: str = "kr"
    # Whether the card shows anything new (approval moves change none of its figures: draft,
    # proposed and approved objectives all take check-ins).
    changed: bool = True


def _check_in(w):
    okr_services.check_in_create(
        actor=w.mia, key_result=w.kr, value=31, confidence="at_risk", note="Slower this week"
    )


def _backdated_check_in(w):
    # Older than the latest: the key result's own row is left as it was.
    okr_services.check_in_create(
        actor=w.mia,
        key_result=w.kr,
        value=23,
        confidence="on_track",
        note="Missed entry from Thursday",
        at=TEST_NOW - timedelta(days=4),
    )


def _kr_title(w):
    okr_services.key_result_update(
        actor=w.mia, key_result=reread(w.kr), title="Teams through onboarding"
    )


def _kr_target_and_start(w):
    okr_services.key_result_update(actor=w.mia, key_result=reread(w.kr), start=12, target=64)


def _review_target(w):
    review_services.key_result_change_target(
        actor=w.admin, key_result=reread(w.kr), target=72, reason="The market grew"
    )


def _propose(w):
    alignment_services.objective_propose(actor=w.mia, objective=reread(w.objective))


def _propose_and_approve(w):
    alignment_services.objective_propose(actor=w.mia, objective=reread(w.objective))
    alignment_services.objective_approve(actor=w.admin, objective=reread(w.objective))


def _abandon(w):
    okr_services.objective_set_state(
        actor=w.mia, objective=reread(w.objective), state="abandoned", reason="Merged elsewhere"
    )


def _commitment(w):
    okr_services.objective_update(
        actor=w.mia, objective=reread(w.objective), commitment="aspirational"
    )


def _close_cycle(w):
    alignment_services.objective_propose(actor=w.mia, objective=reread(w.objective))
    alignment_services.objective_approve(actor=w.admin, objective=reread(w.objective))
    scoring_services.cycle_close(actor=w.admin, cycle=reread(w.cycle))


def _rename_cycle(w):
    okr_services.cycle_update(actor=w.admin, cycle=reread(w.cycle), name="Autumn push")


def _import(w):
    okr_services.objective_update(actor=w.mia, objective=reread(w.objective), external_id="O-1")
    okr_services.key_result_update(actor=w.mia, key_result=reread(w.kr), external_id="K-1")
    row = okr_row(
        w.mia,
        cycle=w.cycle.name,
        unit="Engineering/Web",
        external_id="O-1",
        objective=w.objective.title,
        why="",
        key_result_external_id="K-1",
        key_result="Teams finishing onboarding",
        start="10",
        target="81",
        unit_of_measure="teams",
    )
    plan = okr_import_dry_run(actor=w.admin, organization=w.org, files=files([row]))
    assert not plan.errors, [e.as_line() for e in plan.errors]
    assert plan.key_results[0].changes == {"target": 81.0}
    okr_import_apply(actor=w.admin, organization=w.org, plan=plan)


def _synced(w, outcome):
    source = reread(w.kr2.data_source)
    now = source.next_run_at + timedelta(seconds=1)
    claimed = sources.source_claim(source_id=source.pk, now=now)
    assert claimed is not None
    sources.source_record(source=claimed, outcome=outcome, now=now)


def _sync_checks_in(w):
    _synced(w, sources.Outcome(value=137.0))


def _sync_fails(w):
    _synced(w, sources.Outcome(value=None, error="The server answered 503"))


def _owner_renamed(w):
    person_services.person_profile_update(actor=w.mia, person=reread(w.mia), name="Mia Moreau")


def _author_renamed(w):
    person_services.person_profile_update(actor=w.admin, person=reread(w.admin), name="Ada Admin")


def _owner_erased(w):
    person_services.person_deactivate(actor=w.admin, person=reread(w.mia))
    person_services.person_erase(actor=w.admin, person=reread(w.mia))


def _owner_changed(w):
    okr_services.key_result_update(actor=w.mia, key_result=reread(w.kr), owner=w.dana)


def _kr_deleted(w):
    okr_services.key_result_delete(actor=w.mia, key_result=reread(w.kr))


def _objective_deleted(w):
    okr_services.objective_delete(actor=w.mia, objective=reread(w.objective))


def _lead_becomes_member(w):
    f.join(w.department, w.dana, role=Membership.Role.MEMBER)


def _next_day(w):
    # 02:00 the next day (UTC), not 24 hours on: an entry kept for a day (fragments.TIMEOUT)
    # has not expired yet, so a key that missed the day would serve the kept card.
    return time_machine.travel(TEST_NOW + timedelta(hours=16), tick=True)


def _hours_later(w):
    # The admin's check-in turns a week old: this week's change is measured from it. Same day.
    return time_machine.travel(TEST_NOW + timedelta(hours=4), tick=True)


def _server_time_zone(w):
    # 10:00 UTC is 19:00 in Tokyo: the same day, other hours.
    return override_settings(TIME_ZONE="Asia/Tokyo")


def _other_address(w):
    w.query = "?from=search"


WRITES: dict[str, Write] = {
    "check-in": Write(
        _check_in,
        shows=("Slower this week", "<dd><strong>31 teams</strong>"),
        hides=("<dd><strong>26 teams</strong>",),
    ),
    "backdated check-in": Write(_backdated_check_in, shows=("Missed entry from Thursday",)),
    "key result title": Write(
        _kr_title, shows=("Teams through onboarding",), hides=("Teams finishing onboarding",)
    ),
    "key result target and start": Write(
        _kr_target_and_start, shows=("target 64", "from 12"), hides=("target 50", "from 10")
    ),
    "target changed at a review": Write(_review_target, shows=("target 72",), hides=("target 50",)),
    "objective proposed": Write(_propose, changed=False),
    "objective proposed and approved": Write(_propose_and_approve, changed=False),
    "objective abandoned": Write(_abandon, hides=("Check in<span", "No forecast yet")),
    "objective made aspirational": Write(_commitment, shows=("(to 70%: aspirational)",)),
    "cycle closed and scored": Write(_close_cycle, hides=("Check in<span", ">Edit<span")),
    "cycle renamed": Write(_rename_cycle, shows=("over Autumn push",), hides=("over Q4 2026",)),
    "spreadsheet import": Write(_import, shows=("target 81",), hides=("target 50",)),
    "data source sync checks in": Write(
        _sync_checks_in,
        shows=("<strong>137</strong>", '<span class="muted">from JSON from 127.0.0.1</span>'),
        card="kr2",
    ),
    "data source sync fails": Write(
        _sync_fails, shows=("Sync failing", "The server answered 503"), card="kr2"
    ),
    "owner renamed": Write(_owner_renamed, shows=("owner Mia Moreau",), hides=("Mia Member",)),
    "check-in author renamed": Write(_author_renamed, shows=("by Ada Admin",)),
    "owner deactivated and erased": Write(
        _owner_erased, shows=("owner Former member 1",), hides=("Mia Member",)
    ),
    "key result given another owner": Write(
        _owner_changed, shows=("owner Dana Lead",), hides=("owner Mia Member",)
    ),
    "reader's role: lead to member": Write(
        _lead_becomes_member, hides=("Check in<span", ">Edit<span", "Data source<span")
    ),
    # The key result without check-ins: its markers stay as they were, its pace moves.
    "the next day": Write(_next_day, card="kr2"),
    "hours later, the same day": Write(_hours_later),
    "the server's time zone": Write(_server_time_zone, shows=(", 18:00",), hides=(", 09:00",)),
    "another address of the page": Write(_other_address, shows=("from%3Dsearch",)),
}


def _render_after(w: World, write: Write) -> tuple[str, str, str]:
    """The card before the write (warm), after it (as served) and from an empty cache."""
    kr = getattr(w, write.card)
    before = warm(w, kr)
    moment = write.act(w)
    with moment or contextlib.nullcontext():
        after = card(w, kr)
        expected = fresh(w, kr)
    return before, after, expected


@pytest.mark.parametrize("name", list(WRITES))
def test_the_card_shows_every_write_at_once(w, name):
    write = WRITES[name]
    before, after, expected = _render_after(w, write)
    assert after == expected, f"{name}: the page served a stale card"
    assert (after != before) == write.changed
    for text in write.shows:
        assert text not in before and text in after, f"{name}: {text!r} not shown"
    for text in write.hides:
        assert text in before and text not in after, f"{name}: {text!r} still shown"


def test_a_deleted_key_result_leaves_the_page(w):
    warm(w, w.kr)
    _kr_deleted(w)
    assert card(w, w.kr) is None
    assert not KeyResult.objects.filter(pk=w.kr.pk).exists()


def test_a_deleted_objective_is_not_found(w):
    warm(w, w.kr)
    _objective_deleted(w)
    page(w, status=404)


def test_the_check_in_answer_is_the_fresh_card(w):
    """The check-in made on the objective page answers with the card (htmx): the new figures,
    never the card kept before the check-in."""
    warm(w, w.kr)
    url = reverse("key_result_check_in", args=[w.kr.id])
    response = w.client.post(
        url,
        {
            "value": "33",
            "confidence": "at_risk",
            "note": "From the card",
            "layout": "card",
            "next": w.url,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    answered = element(response.content.decode(), f"kr-{w.kr.id}")
    assert "From the card" in answered and "33 teams" in answered
    assert "From the card" in card(w, w.kr)


# Every part of the key is needed ------------------------------------------------------------

# For each part of fragments.PARTS, a write that only it records.
PART_WRITES = {
    "key_result": "key result title",
    "objective": "objective made aspirational",
    "cycle": "cycle renamed",
    "check_ins": "backdated check-in",
    "people": "owner renamed",
    "today": "the next day",
    "markers": "hours later, the same day",
    "time_zone": "the server's time zone",
    "rights": "reader's role: lead to member",
    "source": "data source sync fails",
    "address": "another address of the page",
}


def test_every_part_of_the_key_has_a_write_it_alone_records():
    assert set(PART_WRITES) == {name for name, _read in fragments.PARTS}


@pytest.mark.parametrize("part", list(PART_WRITES))
def test_a_key_without_a_part_serves_a_stale_card(w, part, monkeypatch):
    monkeypatch.setattr(
        fragments, "PARTS", tuple((n, read) for n, read in fragments.PARTS if n != part)
    )
    before, after, expected = _render_after(w, WRITES[PART_WRITES[part]])
    assert after == before, f"without {part!r} the key still changed"
    assert after != expected, f"without {part!r} the card was still fresh"
