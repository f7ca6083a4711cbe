"""Search: ranking, filters, hostile queries, tenancy and deleted rows, on whichever engine the
suite runs (SQLite FTS5 by default, PostgreSQL with DATABASE_URL)."""

from datetime import UTC, date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.feed import services as feed_services
from cadence.kpis import services as kpi_services
from cadence.okrs import services as okr_services
from cadence.retrospectives import services as retro_services
from cadence.search import selectors
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.retrospectives.retro_world import retro_kwargs

WEEK = date(2026, 11, 2)


def keys(results):
    return [(h.kind, h.title or h.body) for h in results.hits]


def found(org, text, **kw):
    kw.setdefault("viewer", f.ALL)
    return selectors.search(org, text, **kw)


@pytest.fixture
def item(admin, team):
    f.join(team, admin)

    def write(text, **kw):
        return weekly_services.item_create(
            actor=admin,
            person=admin,
            week=WEEK,
            category="plans",
            text=text,
            at=datetime.combine(WEEK, time(9), tzinfo=UTC),
            **kw,
        )

    return write


def test_empty_or_punctuation_only_query_finds_nothing(org, admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Grow revenue")
    for text in ["", "   ", '"*()', "\x00", "-- ; :"]:
        assert found(org, text).hits == []


def test_every_kind_is_found_and_links_to_its_page(org, admin, cycle, team, item):
    objective = f.make_objective(admin, cycle, team, title="Launch the zebra app")
    kr = f.make_kr(admin, objective, title="Zebra signups reach 500")
    weekly = item("Draft the zebra launch post", objective=objective)
    comment = feed_services.comment_create(actor=admin, target=objective, text="Zebra looks good")
    retro_services.retrospective_save(
        actor=admin,
        cycle=cycle,
        unit=team,
        **retro_kwargs(learnings=["Zebra crossings need owners", "Estimate", "Demo"]),
    )
    kpi = kpi_services.kpi_create(actor=admin, unit=team, name="Zebra uptime", band_min=99.5)
    hits = {h.kind: h for h in found(org, "zebra").hits}
    assert set(hits) == {"objective", "key_result", "weekly_item", "comment", "learning", "kpi"}
    assert hits["kpi"].url == reverse("kpi_detail", args=[kpi.id])
    detail = reverse("objective_detail", args=[objective.id])
    assert hits["objective"].url == detail
    assert hits["key_result"].url == f"{detail}#kr-{kr.id}"
    assert hits["weekly_item"].url == reverse("weekly_update", args=[admin.id, "2026-W45"])
    assert hits["weekly_item"].id == weekly.id
    assert hits["comment"].url == detail and hits["comment"].id == comment.id
    assert hits["learning"].url == reverse("team_retrospective", args=[cycle.id, team.id])


def test_title_match_ranks_above_body_match(org, admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Improve support", why="Customers wait for churn")
    f.make_objective(admin, cycle, team, title="Reduce churn", why="Keep what we have")
    assert [h.title for h in found(org, "churn").hits] == ["Reduce churn", "Improve support"]


def test_exact_word_ranks_above_prefix(org, admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Onboarding in one day")
    f.make_objective(admin, cycle, team, title="Onboard every partner")
    titles = [h.title for h in found(org, "onboard").hits]
    assert titles == ["Onboard every partner", "Onboarding in one day"]
    # A finished word (followed by a space) is no prefix.
    assert [h.title for h in found(org, "onboard ").hits] == ["Onboard every partner"]


def test_every_word_must_match_and_the_last_is_a_prefix(org, admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Ship the mobile checkout")
    f.make_objective(admin, cycle, team, title="Ship the desktop app")
    assert [h.title for h in found(org, "ship mob").hits] == ["Ship the mobile checkout"]
    assert found(org, "ship tablet").hits == []


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"revenue',
        "revenue*",
        "NEAR(revenue grow)",
        "revenue)",
        "(revenue",
        "re\x00venue",
        "revenue AND",
        "OR revenue",
        "NOT revenue",
        "revenue:*",
        "revenue & !grow",
        "'revenue'",
        "revenue^2",
        "{revenue}",
        "-revenue",
        "revenue" * 60,
    ],
)
def test_hostile_queries_are_words_not_syntax(org, admin, cycle, team, text):
    f.make_objective(admin, cycle, team, title="Grow revenue")
    results = found(org, text)  # never an engine error
    assert all(h.kind == "objective" for h in results.hits)


def test_hostile_query_still_finds_its_words(org, admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Grow revenue near the coast")
    for text in ['"grow', "grow*", "NEAR(grow", "grow)", "gr\x00ow revenue"]:
        assert [h.title for h in found(org, text).hits] == ["Grow revenue near the coast"], text


def test_snippet_highlights_escaped(client, org, admin, cycle, team):
    f.make_objective(admin, cycle, team, title="Fix forms", why="<script>x</script> before launch")
    client.force_login(admin)
    page = client.get(reverse("search"), {"q": "launch"}).content.decode()
    assert "<mark>launch</mark>" in page
    assert "&lt;script&gt;" in page and "<script>x" not in page


def test_filters_by_kind_cycle_and_unit(org, admin, cycle, team, item):
    other_cycle = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    other_unit = f.make_unit(org, "Platform")
    a = f.make_objective(admin, cycle, team, title="Falcon rollout")
    f.make_objective(admin, other_cycle, team, title="Falcon cleanup")
    f.make_objective(admin, cycle, other_unit, title="Falcon support")
    f.make_kr(admin, a, title="Falcon reaches 10 teams")
    item("Falcon demo", objective=a)
    item("Falcon notes without an objective")

    def titles(**kw):
        return sorted(h.title or h.body for h in found(org, "falcon", **kw).hits)

    assert titles(kind="key_result") == ["Falcon reaches 10 teams"]
    assert titles(kind="weekly_item") == ["Falcon demo", "Falcon notes without an objective"]
    assert titles(cycle=other_cycle) == ["Falcon cleanup"]
    assert titles(unit=other_unit) == ["Falcon support"]
    assert titles(cycle=cycle, unit=team) == [
        "Falcon demo",
        "Falcon reaches 10 teams",
        "Falcon rollout",
    ]
    assert titles(kind="comment") == []


def test_another_organizations_text_is_never_found(org, admin, cycle, team, outsider):
    f.make_objective(admin, cycle, team, title="Secret heron plan")
    other_org = outsider.organization
    other_cycle = f.make_cycle(outsider, name="Theirs")
    other_team = f.make_unit(other_org, "Their team")
    f.make_objective(outsider, other_cycle, other_team, title="Their heron plan")
    assert [h.title for h in found(org, "heron").hits] == ["Secret heron plan"]
    assert [h.title for h in found(other_org, "heron").hits] == ["Their heron plan"]
    # Another organization's cycle as a filter finds nothing of ours.
    assert found(org, "heron", cycle=other_cycle).hits == []


def test_deleted_and_edited_rows_follow_at_once(org, admin, cycle, team, item):
    objective = f.make_objective(admin, cycle, team, title="Pelican project")
    weekly = item("Pelican weekly note")
    comment = feed_services.comment_create(actor=admin, target=objective, text="Pelican comment")
    assert len(found(org, "pelican").hits) == 3
    weekly_services.item_delete(actor=admin, item=weekly)
    feed_services.comment_delete(actor=admin, comment=comment)
    assert [h.kind for h in found(org, "pelican").hits] == ["objective"]
    okr_services.objective_update(actor=admin, objective=objective, title="Albatross project")
    assert found(org, "pelican").hits == []
    assert [h.title for h in found(org, "albatross").hits] == ["Albatross project"]
    okr_services.objective_delete(actor=admin, objective=objective)
    assert found(org, "albatross").hits == []


def test_offset_and_limit_page_through_by_rank(org, admin, cycle, team):
    for n in range(5):
        f.make_objective(admin, cycle, team, title=f"Kestrel item {n}")
    first = found(org, "kestrel", limit=2)
    rest = found(org, "kestrel", offset=2, limit=10)
    assert first.more and not rest.more
    ids = [h.id for h in first.hits + rest.hits]
    assert len(ids) == len(set(ids)) == 5


def test_page_queries_do_not_grow_with_results(client, org, admin, cycle, team, item):
    client.force_login(admin)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("search"), {"q": "osprey", "cycle": cycle.id})
        assert response.status_code == 200
        return len(queries.captured_queries)

    f.make_objective(admin, cycle, team, title="Osprey one")
    few = count()
    for n in range(8):
        o = f.make_objective(admin, cycle, team, title=f"Osprey {n}")
        f.make_kr(admin, o, title=f"Osprey result {n}")
        item(f"Osprey item {n}", objective=o)
    assert count() == few


def test_page_answers_foreign_filters_with_404(client, outsider, cycle, team):
    client.force_login(outsider)
    for params in ({"cycle": cycle.id}, {"unit": team.id}):
        assert client.get(reverse("search"), {"q": "x", **params}).status_code == 404


def test_header_has_a_labelled_search_box(client, admin):
    client.force_login(admin)
    page = client.get(reverse("dashboard")).content.decode()
    assert 'role="search"' in page and 'for="site-search-q"' in page
    assert f'action="{reverse("search")}"' in page


def test_api_answers_ranked_hits_and_refuses_bad_input(client, admin, cycle, team, outsider):
    objective = f.make_objective(admin, cycle, team, title="Merlin migration")
    client.force_login(admin)
    response = client.get("/api/v1/search", {"q": "merl", "kind": "objective"})
    assert response.status_code == 200
    [hit] = response.json()
    assert (hit["kind"], hit["id"], hit["title"]) == (
        "objective",
        str(objective.id),
        "Merlin migration",
    )
    assert hit["url"] == reverse("objective_detail", args=[objective.id])
    assert hit["cycle_id"] == str(cycle.id) and hit["unit_id"] == str(team.id)
    assert client.get("/api/v1/search", {"q": "merlin", "cycle_id": cycle.id}).json()
    for bad in ({"q": "a\x00b"}, {"q": "x", "kind": "nope"}, {"q": "x", "offset": 5000}, {}):
        assert client.get("/api/v1/search", bad).status_code == 422, bad
    other_cycle = f.make_cycle(outsider, name="Theirs")
    assert client.get("/api/v1/search", {"q": "x", "cycle_id": other_cycle.id}).status_code == 404
    client.logout()
    assert client.get("/api/v1/search", {"q": "merlin"}).status_code == 401


def test_only_the_newest_matches_are_ranked(org, admin, cycle, team, monkeypatch):
    """A word found in many rows scores only each kind's newest MAX_RANKED matches (issue 16.6:
    the cost of a search does not grow with how common its word is)."""
    import time_machine

    start = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    titles = ["Reduce churn", "Improve support", "Grow the partner base"]
    for minutes, title in enumerate(titles):
        with time_machine.travel(start.replace(minute=minutes), tick=False):
            why = "" if title == "Reduce churn" else "Less churn among small customers"
            f.make_objective(admin, cycle, team, title=title, why=why)
    hits = [h.title for h in found(org, "churn").hits]
    assert hits[0] == "Reduce churn" and sorted(hits) == sorted(titles)  # the title match first
    monkeypatch.setattr(selectors, "MAX_RANKED", 2)
    # The oldest match, the best one, is past the two newest: not ranked, not found.
    assert sorted(h.title for h in found(org, "churn").hits) == sorted(titles[1:])


def test_a_partial_last_word_finds_every_kind_it_begins(org, admin, cycle, team, item):
    objective = f.make_objective(admin, cycle, team, title="Retire the quokka cluster")
    item("Quokkas migrated to the new racks", objective=objective)
    feed_services.comment_create(actor=admin, target=objective, text="Quokka capacity is fine")
    kinds = sorted(h.kind for h in found(org, "quok").hits)
    assert kinds == ["comment", "objective", "weekly_item"]
    # Two letters still match as a prefix (the shortest prefix indexed); one does not.
    assert len(found(org, "retire qu").hits) == 1
    assert found(org, "retire q").hits == []
    # The whole word, finished, no longer matches the longer "Quokkas".
    assert sorted(h.kind for h in found(org, "quokka ").hits) == ["comment", "objective"]


def test_filters_apply_before_the_newest_matches_are_chosen(
    org, admin, cycle, team, member, monkeypatch
):
    """The newest MAX_RANKED are the newest that pass the organization, visibility, cycle and
    unit filters: newer matches elsewhere never push an older one that passes them out."""
    import time_machine

    other_cycle = f.make_cycle(admin, name="Q1 2027", start=date(2027, 1, 1), end=date(2027, 3, 31))
    other_team = f.make_unit(org, "Platform")
    start = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        f.make_objective(admin, cycle, team, title="Wombat old and wanted")
    for minute in range(1, 4):
        with time_machine.travel(start.replace(minute=minute), tick=False):
            f.make_objective(admin, other_cycle, team, title=f"Wombat newer {minute}")
            f.make_objective(admin, cycle, other_team, title=f"Wombat elsewhere {minute}")
            f.make_objective(
                admin, cycle, other_team, title=f"Wombat hidden {minute}", visibility="unit"
            )
    monkeypatch.setattr(selectors, "MAX_RANKED", 2)
    assert [h.title for h in found(org, "wombat", cycle=cycle, unit=team).hits] == [
        "Wombat old and wanted"
    ]
    # A member of the first team sees none of the other team's private objectives: they do not
    # fill the two newest places either.
    titles = [h.title for h in selectors.search(org, "wombat", viewer=member).hits]
    assert len(titles) == 2 and not any("hidden" in t for t in titles)


def test_the_index_follows_raw_writes(org, admin, cycle, team):
    """Whoever writes — here raw SQL, as the bulk import and the bench do — the index follows
    in the same statement: insert, update of the text, delete."""
    objective = f.make_objective(admin, cycle, team, title="Narwhal survey")
    table = objective._meta.db_table
    key = objective._meta.pk.get_db_prep_value(objective.id, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET title = %s WHERE id = %s", ["Dugong survey", key])
    assert found(org, "narwhal").hits == []
    assert [h.title for h in found(org, "dugo").hits] == ["Dugong survey"]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET why = %s WHERE id = %s", ["Manatee count", key])
    assert [h.title for h in found(org, "manatee").hits] == ["Dugong survey"]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [key])
    assert found(org, "dugong").hits == found(org, "manatee").hits == []


def test_page_unit_filter_lists_every_unit_escaped_and_keeps_the_chosen(
    client, org, admin, cycle, team
):
    chosen = f.make_unit(org, "R&D <lab>")
    client.force_login(admin)
    page = client.get(reverse("search"), {"q": "x", "unit": chosen.id}).content.decode()
    assert f'<option value="{chosen.id}" selected>R&amp;D &lt;lab&gt;</option>' in page
    assert f'<option value="{team.id}">Product</option>' in page
    assert "<lab>" not in page


def test_the_unit_filter_follows_every_change_of_the_units(client, org, admin, team):
    """The filter's options are written once per state of the organization's units (kept per
    process): a new, renamed or archived unit shows at the next page, and a chosen unit is
    selected."""
    from cadence.orgs import unit_services
    from cadence.orgs.selectors import company_unit

    client.force_login(admin)

    def options(**params):
        page = client.get(reverse("search"), {"q": "x", **params}).content.decode()
        return page[page.index('name="unit"') : page.index("</select>", page.index('name="unit"'))]

    assert f">{team.name}</option>" in options()
    assert options() == options()  # the kept options, unchanged
    new = unit_services.unit_create(
        actor=admin, organization=org, parent=company_unit(org), name="Osprey Team", kind="team"
    )
    assert ">Osprey Team</option>" in options()
    unit_services.unit_update(actor=admin, unit=new, name="Heron Team")
    shown = options()
    assert ">Heron Team</option>" in shown and "Osprey" not in shown
    assert f'<option value="{new.id}" selected>Heron Team</option>' in options(unit=new.id)
    assert f'<option value="{new.id}">Heron Team</option>' in options()
