"""The benchmark generator at its small size: the shape, determinism, denormalized values that
agree with a from-scratch computation, and the tenancy rule (every row is the organization's)."""

import json
import math
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.db.models import ForeignKey, OneToOneField
from django.test import Client

from bench import generate as g
from cadence.mail.models import Delivery
from cadence.okrs import progress as arithmetic
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.services import api_token_authenticate
from cadence.scheduling import services as scheduling
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import Item, WeeklyUpdate
from cadence.weekly.weeks import monday_of
from tests.factories import ALL

TODAY = date(2026, 11, 23)
HAS_PROGRESS = any(f.name == "progress" for f in Objective._meta.concrete_fields)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    return g.generate("small", seed=42, today=TODAY, progress=lambda _line: None)


def _snapshot(organization_id):
    """Everything that makes the data what it is (ids, titles, values, times), in a fixed order."""
    return {
        "people": list(
            Person.objects.filter(organization_id=organization_id)
            .order_by("id")
            .values_list("id", "email", "name", "role")
        ),
        "units": list(
            Unit.objects.filter(organization_id=organization_id)
            .order_by("id")
            .values_list("id", "name", "parent_id")
        ),
        "objectives": list(
            Objective.objects.filter(organization_id=organization_id)
            .order_by("id")
            .values_list("id", "title", "state", "parent_id", "score", "created_at")
        ),
        "key_results": list(
            KeyResult.objects.filter(organization_id=organization_id)
            .order_by("id")
            .values_list("id", "title", "kind", "start", "target", "current", "last_check_in_at")
        ),
        "check_ins": list(
            CheckIn.objects.filter(organization_id=organization_id)
            .order_by("id")
            .values_list("id", "key_result_id", "value", "confidence", "at")
        ),
        "items": list(
            Item.objects.filter(organization_id=organization_id)
            .order_by("id")
            .values_list("id", "text", "category__slug", "key_result_id", "carried_over_from_id")
        ),
    }


def test_small_has_the_shape_of_the_size(dataset):
    shape = g.SIZES["small"]
    counts = dataset.counts
    assert counts == g.count_rows(dataset.organization_id)  # what was reported is in the table
    assert counts["people"] == 50
    assert counts["units"] == 1 + 2 + 5
    # Every person in a team; the department and company leads once more.
    assert counts["memberships"] == 50 + 2 + 1
    assert counts["cycles"] == 8
    per_cycle_fixed = shape.company_objectives + 2 * shape.department_objectives
    low, high = min(shape.team_objectives), max(shape.team_objectives)
    assert (
        8 * (per_cycle_fixed + 5 * low) <= counts["objectives"] <= 8 * (per_cycle_fixed + 5 * high)
    )
    assert 3 * counts["objectives"] <= counts["key_results"] <= 5 * counts["objectives"]
    # Weekly check-ins over eight quarters: about 13 per key result and closed cycle.
    assert 8 * counts["key_results"] <= counts["check_ins"] <= 20 * counts["key_results"]
    weeks = len(
        {
            w
            for w in WeeklyUpdate.objects.filter(
                organization_id=dataset.organization_id
            ).values_list("week", flat=True)
        }
    )
    first = min(
        Cycle.objects.filter(organization_id=dataset.organization_id).values_list(
            "start", flat=True
        )
    )
    mondays = (monday_of(TODAY) - monday_of(first)).days // 7 + 1  # up to this week
    assert mondays - 1 <= weeks <= mondays
    assert 0.85 * 50 * weeks <= counts["weekly_updates"] <= 50 * weeks
    assert 1.7 <= counts["weekly_items"] / counts["weekly_updates"] <= 2.4
    for label in (
        "approval_events",
        "reviews",
        "learnings",
        "meeting_notes",
        "item_moves",
        "likes",
    ):
        assert counts[label] > 0, label

    cycles = list(Cycle.objects.filter(organization_id=dataset.organization_id).order_by("start"))
    assert [c.closed_at is not None for c in cycles] == [True] * 7 + [False]
    assert cycles[-1].start <= TODAY <= cycles[-1].end
    assert all(a.end < b.start for a, b in zip(cycles, cycles[1:], strict=False))


def test_the_dataset_names_usable_rows(dataset):
    assert g.existing("small", seed=42) == dataset
    assert g.existing("small", seed=7) is None
    organization = Organization.objects.get(pk=dataset.organization_id)
    assert organization.name == "Bench small (seed 42, v4)"
    admin = Person.objects.get(email=dataset.admin_email)
    assert admin.is_admin and admin.organization_id == organization.pk
    assert admin.check_password(dataset.admin_password)
    assert api_token_authenticate(dataset.api_token) == admin
    assert Membership.objects.filter(
        unit_id=dataset.team_unit_id, person=admin, role="lead"
    ).exists()
    team = Unit.objects.get(pk=dataset.team_unit_id)
    assert team.kind == Unit.Kind.TEAM and team.parent_id == dataset.department_unit_id
    objective = Objective.objects.select_related("parent").get(pk=dataset.objective_id)
    assert objective.cycle_id == dataset.cycle_id and objective.unit_id == team.pk
    assert objective.parent.unit_id == dataset.department_unit_id
    assert 3 <= objective.key_results.count() <= 5
    krs = KeyResult.objects.filter(pk__in=dataset.key_result_ids).select_related("objective")
    assert len(dataset.key_result_ids) == 5 == krs.count()  # one per team of the small org
    assert {kr.objective.cycle_id for kr in krs} == {dataset.cycle_id}
    assert len({kr.objective.unit_id for kr in krs}) == 5


def test_the_pages_the_benchmark_measures_render(dataset):
    client = Client()
    assert client.login(username=dataset.admin_email, password=dataset.admin_password)
    for url in (
        "/",
        f"/cycles/{dataset.cycle_id}/tree/",
        f"/units/{dataset.team_unit_id}/",
        f"/objectives/{dataset.objective_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(f"/objectives/{dataset.objective_id}/")
    assert Objective.objects.get(pk=dataset.objective_id).title in response.content.decode()


def test_same_seed_same_data_other_seed_other_data(dataset):
    first = _snapshot(dataset.organization_id)
    assert g.remove("small", seed=42)
    assert not Organization.objects.filter(pk=dataset.organization_id).exists()
    assert not CheckIn.objects.exists() and not Item.objects.exists()
    again = g.generate("small", seed=42, today=TODAY, progress=lambda _line: None)
    assert again == dataset
    assert _snapshot(again.organization_id) == first
    other = g.generate("small", seed=7, today=TODAY, progress=lambda _line: None)
    assert other.organization_id != dataset.organization_id
    titles = [row[1] for row in _snapshot(other.organization_id)["key_results"]]
    assert titles != [row[1] for row in first["key_results"]]


def test_denormalized_values_agree_with_a_computation_from_scratch(dataset):
    org = dataset.organization_id
    latest = {}
    now = datetime.combine(TODAY, time(0)).astimezone()
    for kr_id, value, confidence, at in (
        CheckIn.objects.filter(organization_id=org)
        .order_by("at", "created_at")
        .values_list("key_result_id", "value", "confidence", "at")
    ):
        assert at < now  # nothing happens after the start of today
        latest[kr_id] = (value, confidence, at)
    nodes: dict = {}
    krs = list(KeyResult.objects.filter(organization_id=org).select_related("objective__cycle"))
    objectives = {
        o.pk: o for o in Objective.objects.filter(organization_id=org).select_related("cycle")
    }
    for o in objectives.values():
        nodes[o.pk] = arithmetic.Node(abandoned=o.state == Objective.State.ABANDONED)
    for o in objectives.values():
        if o.parent_id:
            assert objectives[o.parent_id].cycle_id == o.cycle_id
            nodes[o.parent_id].children.append(o.pk)
    with_history = 0
    for kr in krs:
        if kr.pk in latest:
            with_history += 1
            assert (kr.current, kr.confidence, kr.last_check_in_at) == latest[kr.pk]
        else:
            assert (kr.current, kr.confidence, kr.last_check_in_at) == (None, "", None)
            assert kr.objective.cycle.closed_at is None  # only current key results lack history
        nodes[kr.objective_id].krs.append((kr.progress, kr.weight))
        objective = objectives[kr.objective_id]
        if objective.state == Objective.State.CLOSED:
            assert kr.computed_score == kr.score == arithmetic.score(kr.progress)
        else:
            assert kr.computed_score is None and kr.score is None
    assert with_history > 0.9 * len(krs)
    rolled = arithmetic.roll_up(nodes)

    by_cycle = defaultdict(list)
    for o in objectives.values():
        by_cycle[o.cycle_id].append(o)
        if HAS_PROGRESS:
            assert (o.progress is None) == (rolled[o.pk] is None)
            if o.progress is not None:
                assert math.isclose(o.progress, rolled[o.pk], rel_tol=1e-12, abs_tol=1e-12)
    for objectives_of_cycle in by_cycle.values():
        cycle = objectives_of_cycle[0].cycle
        states = {o.state for o in objectives_of_cycle}
        if cycle.closed_at:
            # As cycle_close leaves it: approved objectives closed and scored, others unscored.
            assert Objective.State.APPROVED not in states and Objective.State.CLOSED in states
            for o in objectives_of_cycle:
                if o.state == Objective.State.CLOSED:
                    assert o.scored_at == cycle.closed_at
                    assert o.computed_score == o.score == arithmetic.score(rolled[o.pk])
                else:
                    assert o.score is None and o.scored_at is None
        else:
            assert Objective.State.CLOSED not in states
            assert Objective.State.APPROVED in states
            assert all(o.score is None for o in objectives_of_cycle)
    # Weekly: a carried item continues one item of the same person's previous week.
    for item in Item.objects.filter(
        organization_id=org, carried_over_from__isnull=False
    ).select_related("update", "carried_over_from__update"):
        source = item.carried_over_from.update
        assert source.person_id == item.update.person_id
        assert (item.update.week - source.week).days == 7


def test_every_row_belongs_to_the_organization(dataset):
    """The tenancy rule: every generated row carries the dataset's organization, and every row
    it points at (through any foreign key) is of that organization too."""
    org = dataset.organization_id
    checked = 0
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if "organization" not in names:
            continue
        assert not model.objects.exclude(organization_id=org).exists(), model.__name__
        for f in model._meta.concrete_fields:
            if not isinstance(f, ForeignKey | OneToOneField) or f.name == "organization":
                continue
            target = f.related_model
            target_names = {t.name for t in target._meta.concrete_fields}
            if "organization" in target_names or target in (Unit, Person):
                lookup = f"{f.name}__organization_id"
            else:
                continue
            foreign = model.objects.filter(**{f"{f.name}__isnull": False}).exclude(**{lookup: org})
            assert not foreign.exists(), f"{model.__name__}.{f.name}"
            checked += 1
    for model, path in g.VIA.items():
        assert model.objects.count() == model.objects.filter(**{path: org}).count(), model.__name__
    assert checked > 30


def _open_items(**filters):
    """Items the rollover would still carry (``weekly.services``: live, not written late, in an
    active carrying category, not carried yet)."""
    return Item.objects.filter(
        deleted_at__isnull=True,
        late=False,
        category__carries_over=True,
        category__archived_at__isnull=True,
        carried_to__isnull=True,
        **filters,
    )


@pytest.mark.parametrize(
    "today",
    [TODAY, date(2026, 11, 28)],  # a Monday; a Saturday, after this week's deadline
    ids=["monday", "saturday"],
)
def test_the_worker_finds_the_past_done(today):
    """The organization looks like one where ``cadence worker`` always ran: its first turn
    carries nothing and sends nothing; the turns at the next deadline act on that week only."""
    dataset = g.generate("small", seed=42, today=today, progress=lambda _line: None)
    org = dataset.organization_id
    start = datetime.combine(today, time(0), tzinfo=UTC)  # the generator's "now"
    team = Unit.objects.get(pk=dataset.team_unit_id)
    week = monday_of(today)
    while weekly_selectors.team_deadline(team, week) <= start:
        week += timedelta(days=7)
    deadline = weekly_selectors.team_deadline(team, week)  # the first one still to come
    assert not _open_items(organization_id=org, update__week__lt=week).exists()
    # Some updates were written after their deadline: late items, never carried.
    late = Item.objects.filter(organization_id=org, late=True)
    assert late.exists() and not Item.objects.filter(carried_over_from__in=late).exists()
    assert dataset.counts["deliveries"] > 0
    # Carried copies: the same person's next week, after the source week's deadline.
    copies = Item.objects.filter(organization_id=org, carried_over_from__isnull=False)
    assert copies.exists()
    for copy in copies.select_related("update", "carried_over_from__category"):
        source = copy.carried_over_from
        assert source.category.carries_over
        assert copy.category_id == source.category_id or copy.moves.exists()
        assert (copy.text, copy.key_result_id) == (source.text, source.key_result_id)
        assert copy.created_at > weekly_selectors.team_deadline(team, source.update.week)
        assert copy.created_at < start

    before = set(Delivery.objects.values_list("pk", flat=True))
    items_before = set(Item.objects.values_list("pk", flat=True))
    first_turn = scheduling.tick(start + timedelta(minutes=1))
    assert first_turn.carried == 0
    assert first_turn.sends.total_sent == first_turn.sends.skipped == first_turn.sends.failed == 0
    assert not mail.outbox
    assert set(Delivery.objects.values_list("pk", flat=True)) == before

    # The reminder window of the coming deadline, then the deadline: that week only.
    reminders = scheduling.tick(deadline - timedelta(minutes=119))
    assert reminders.carried == 0
    assert reminders.sends.sent[Delivery.Kind.REMINDER] > 0
    open_this_week = _open_items(organization_id=org, update__week=week).count()
    after_deadline = scheduling.tick(deadline + timedelta(minutes=1))
    assert after_deadline.carried == open_this_week > 0
    carried = Item.objects.filter(organization_id=org).exclude(pk__in=items_before)
    assert carried.count() == after_deadline.carried
    assert set(carried.values_list("carried_over_from__update__week", flat=True)) == {week}
    new = Delivery.objects.exclude(pk__in=before)
    assert set(new.values_list("week", flat=True)) == {week}
    assert new.count() == len(mail.outbox)


def test_the_planner_has_statistics(dataset):
    """generate() ends with ANALYZE on every database (SQLite has no statistics before)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'okrs_checkin'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'okrs_checkin'")
        assert cursor.fetchone()[0] > 0


def test_the_benchmarks_search_finds_the_generated_rows(dataset):
    """The generator writes with raw SQL (COPY on PostgreSQL): the full-text indexes follow it,
    and the search case's words find objectives of the organization, best first."""
    from bench.floors import SEARCH_TEXT
    from cadence.search import selectors as search_selectors

    org = Organization.objects.get(pk=dataset.organization_id)
    results = search_selectors.search(org, SEARCH_TEXT, limit=50, viewer=ALL)
    assert results.hits
    assert results.hits[0].kind == "objective"
    assert all("onboarding" in (h.title + h.body).lower() for h in results.hits)
    client = Client()
    assert client.login(username=dataset.admin_email, password=dataset.admin_password)
    response = client.get("/search/", {"q": SEARCH_TEXT})
    assert response.status_code == 200 and "<mark>" in response.content.decode()


def test_the_search_floor_is_the_pages_statement_for_its_reader(dataset):
    """The search case's raw floor runs the page's own statement as the page's reader (the
    bench's admin, who sees every objective) and reads the same rows in the same order."""
    from bench import floors
    from cadence.okrs.visibility import sight_of
    from cadence.search import selectors as search_selectors

    org = Organization.objects.get(pk=dataset.organization_id)
    admin = Person.objects.get(organization=org, email=dataset.admin_email)
    assert sight_of(admin).everything
    page = search_selectors.search(org, floors.SEARCH_TEXT, viewer=admin)
    db = Objective._meta.pk.get_db_prep_value
    params = floors.Params(
        org=db(org.id, connection),
        org_id=org.id,
        cycle=db(dataset.cycle_id, connection),
        person=db(admin.id, connection),
        unit=db(dataset.team_unit_id, connection),
        objective=db(dataset.objective_id, connection),
        vendor=connection.vendor,
    )
    with connection.cursor() as cursor:
        rows = json.loads(floors.search(cursor, params))
    assert page.hits
    expected = [(h.kind, str(h.id)) for h in page.hits]
    assert [(r["kind"], str(uuid.UUID(r["id"]))) for r in rows][: len(expected)] == expected
