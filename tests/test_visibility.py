"""The visibility walk: every page and API route, asked by a person of the same organization who
may not see a private objective, shows none of its text or ids — its key results, check-ins,
comments, linked weekly items and dependencies included — and answers 404 where the path names
one of them. Those who may see it (its team, the leads above it, admins) do.

The routes are discovered from the URL configuration, like the tenancy walk's, so a new page or
endpoint is walked without anyone remembering to add it here.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import get_resolver

from cadence.alignment import services as alignment_services
from cadence.feed import services as feed_services
from cadence.ideas import services as ideas_services
from cadence.integrations import sources as integration_sources
from cadence.kpis import services as kpi_services
from cadence.okrs import services as okr_services
from cadence.okrs.models import Objective
from cadence.orgs import services as org_services
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import company_unit
from cadence.retrospectives import services as retro_services
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.test_tenancy import (
    PARAM,
    PARAM_VALUES,
    SEGMENT_TO_OBJECT,
    _fill,
    _routes_with_ids,
    _walk,
)

WEEK = date(2026, 11, 16)

# What only those who may see the private objective may read.
HIDDEN_TEXT = (
    "Hidden objective",
    "Hidden key result",
    "Hidden check-in note",
    "Hidden comment",
    "Hidden plan",
    "Hidden need",
    "Hidden why",
    "Hidden recovery",
    "Hidden approved objective",
    "Hidden retrospective note",
    "Hidden promoted draft",
    "Hidden personal",  # Alma's personal objective and all that hangs off it
)
HIDDEN_KINDS = ("objective", "key_result", "comment", "weekly_item", "dependency")


@pytest.fixture
def world(db, settings):
    """One organization: a department with two teams. Team A keeps a private objective with
    everything that can hang off it; the reader is a member of team B."""
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the data source's address (never called here)
    org, admin = f.make_org("Sight")
    department = f.make_unit(org, "Product", kind=Unit.Kind.DEPARTMENT)
    team_a = f.make_unit(org, "Team A", parent=department)
    team_b = f.make_unit(org, "Team B", parent=department)
    member_a = f.make_person(org, name="Alma Member")
    f.join(team_a, member_a)
    lead = f.make_person(org, name="Dana Lead")
    f.join(department, lead, role=Membership.Role.LEAD)
    reader = f.make_person(org, name="Ravi Reader")
    f.join(team_b, reader)
    cycle = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    # The reader owns the company objective the hidden one aligns to: were it open, they would
    # approve it.
    company_objective = f.make_objective(
        admin, cycle, company_unit(org), title="Open company goal", owner=reader
    )
    f.make_kr(admin, company_objective, title="Open company measure")
    hidden = f.make_objective(
        member_a,
        cycle,
        team_a,
        title="Hidden objective",
        why="Hidden why",
        parent=company_objective,
        owner=member_a,
    )
    # Asked while the objective was open to all; made private since (a private one may
    # not ask another unit: test_a_private_objective_asks_no_other_unit).
    dependency = alignment_services.dependency_create(
        actor=member_a, objective=hidden, provider=team_b, description="Hidden need"
    )
    hidden = okr_services.objective_update(
        actor=member_a, objective=hidden, visibility=Objective.Visibility.UNIT
    )
    kr = f.make_kr(member_a, hidden, title="Hidden key result", owner=member_a)
    check_in = okr_services.check_in_create(
        actor=member_a, key_result=kr, value=10, confidence="on_track",
        note="Hidden check-in note",
    )  # fmt: skip
    # An open objective of the same team aligned to the hidden one: seen, its parent not.
    visible = f.make_objective(member_a, cycle, team_a, title="Open team goal", parent=hidden)
    visible_kr = f.make_kr(member_a, visible, title="Open team measure")
    okr_services.objective_set_state(
        actor=member_a, objective=visible, state=Objective.State.PROPOSED
    )
    okr_services.objective_set_state(
        actor=member_a, objective=hidden, state=Objective.State.PROPOSED
    )
    item = weekly_services.item_create(
        actor=member_a, person=member_a, week=WEEK, category="plans", text="Hidden plan",
        objective=hidden, key_result=kr,
    )  # fmt: skip
    weekly_services.item_create(
        actor=member_a, person=member_a, week=WEEK, category="plans", text="Open plan"
    )
    comment = feed_services.comment_create(
        actor=member_a, target=hidden, text=f"Hidden comment for @{reader.email}"
    )
    feed_services.comment_create(actor=member_a, target=kr, text="Hidden comment on a KR")
    integration_sources.data_source_set(
        actor=admin, key_result=kr, kind="http_json", url="http://127.0.0.1:9/hidden-source"
    )
    kpi = kpi_services.kpi_create(actor=admin, unit=team_a, name="Open KPI", band_min=50)
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=10)
    recovery = kpi_services.kpi_recovery_create(
        actor=admin, kpi=kpi, cycle=cycle, title="Hidden recovery of the KPI"
    )
    okr_services.objective_update(
        actor=admin, objective=recovery, visibility=Objective.Visibility.UNIT
    )
    # An approved private objective that the team's retrospective explains.
    explained = f.make_objective(
        admin, cycle, team_a, title="Hidden approved objective", state=Objective.State.APPROVED,
        visibility=Objective.Visibility.UNIT, standalone_reason="Hidden on purpose",
    )  # fmt: skip
    retro_services.retrospective_save(
        actor=member_a, cycle=cycle, unit=team_a, answers={}, overview="Open overview",
        satisfaction="partly", worked="", failed="", learnings=[],
        explanations={str(explained.pk): "Hidden retrospective note"},
    )  # fmt: skip
    # The whole organization's ideas round: the reader's idea became a draft of the company's,
    # made private since: the round shows it was promoted, not into what.
    ideas_round = ideas_services.ideas_round_open(
        actor=admin, unit=company_unit(org), cycle=cycle, opens_on=date(2026, 11, 23),
        closes_on=date(2026, 11, 29),
    )  # fmt: skip
    idea = ideas_services.idea_add(
        actor=reader, prompt=ideas_round.prompts.first(), title="Open idea for the company"
    )
    promoted = ideas_services.idea_promote(actor=admin, idea=idea, title="Hidden promoted draft")
    okr_services.objective_update(
        actor=admin, objective=promoted, visibility=Objective.Visibility.UNIT
    )
    # Alma's own development objective, counted in the company objective's progress: seen by
    # her, the leads above her and admins; the reader sees the company objective's progress,
    # never the personal one.
    personal = okr_services.personal_objective_create(
        actor=member_a, cycle=cycle, title="Hidden personal objective", why="Hidden personal why",
        parent=company_objective, counts_in_parent=True,
    )  # fmt: skip
    personal_kr = f.make_kr(member_a, personal, title="Hidden personal key result", owner=member_a)
    personal_check_in = okr_services.check_in_create(
        actor=member_a, key_result=personal_kr, value=40, confidence="on_track",
        note="Hidden personal check-in",
    )  # fmt: skip
    personal_item = weekly_services.item_create(
        actor=member_a, person=member_a, week=WEEK, category="progress",
        text="Hidden personal progress", objective=personal, key_result=personal_kr,
    )  # fmt: skip
    personal_comment = feed_services.comment_create(
        actor=member_a, target=personal, text="Hidden personal comment"
    )
    ids = [
        str(x.pk)
        for x in (
            *(hidden, kr, check_in, comment, item, dependency, recovery, explained, promoted),
            *(personal, personal_kr, personal_check_in, personal_item, personal_comment),
        )
    ]
    return {
        "org": org,
        "admin": admin,
        "member_a": member_a,
        "lead": lead,
        "reader": reader,
        "cycle": cycle,
        "unit": team_a,
        "team_b": team_b,
        "objective": hidden,
        "key_result": kr,
        "comment": comment,
        "weekly_item": item,
        "dependency": dependency,
        "person": member_a,
        "kpi": kpi,
        "hidden_ids": ids,
        "ideas_round": ideas_round,
        "idea": idea,
        "visible_objective": visible,
        "visible_key_result": visible_kr,
        "personal": {
            "objective": personal,
            "key_result": personal_kr,
            "comment": personal_comment,
            "weekly_item": personal_item,
        },
    }


def _objects(world) -> dict:
    """What fills each path parameter: the hidden things where a path names them, the
    organization's others elsewhere (the reader's own notification, say)."""
    from cadence.feed.models import Notification

    objects = dict(world)
    notification = Notification.objects.filter(person=world["reader"]).first()
    if notification is None:
        notification = Notification.objects.filter(person=world["member_a"]).first()
    objects["notification"] = notification
    return objects


def _leaks(body: str, world) -> list[str]:
    return [s for s in (*HIDDEN_TEXT, *world["hidden_ids"]) if s in body]


def _names_hidden(route: str) -> bool:
    parts = route.split("/")
    for i, part in enumerate(parts):
        m = PARAM.fullmatch(part)
        if m and SEGMENT_TO_OBJECT.get(parts[i - 1] if i else "") in HIDDEN_KINDS:
            return True
    return False


def _fillable(route: str) -> bool:
    if route.startswith("accounts/"):
        return False
    parts = route.split("/")
    for i, part in enumerate(parts):
        m = PARAM.fullmatch(part)
        if m and m.group("name") in PARAM_VALUES:
            continue
        if m and SEGMENT_TO_OBJECT.get(parts[i - 1] if i else "") not in (
            *HIDDEN_KINDS,
            "cycle",
            "unit",
            "person",
            "kpi",
            "notification",
            "ideas_round",
            "idea",
        ):
            return False
    return True


def _plain_routes() -> list[str]:
    """Routes without parameters (lists, the dashboard, search…)."""
    routes = sorted({r for r in _walk(get_resolver().url_patterns) if not PARAM.search(r)})
    skip = ("static", "logout", "accounts/", "login", "setup/", "healthz", "admin")
    return ["/" + r.lstrip("^").rstrip("$") for r in routes if not r.startswith(skip)]


EXTRA_QUERIES = (
    "/search/?q=hidden",
    "/api/v1/search?q=hidden",
    "/?view=all",
)


def walk_as(client, person, world, *, api_token: str, only=None, on_path=None) -> list[str]:
    """Every GET route as ``person``; returns the leaks found (route: what leaked). Paths that
    name a hidden thing must answer 404."""
    found: list[str] = []
    objects = _objects(world)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token}"}
    client.force_login(person)
    paths = [(p, False) for p in _plain_routes()]
    paths += [(q, False) for q in EXTRA_QUERIES]
    cycle = world["cycle"].pk
    # Every export as CSV (an XLSX is compressed: text could not be looked for in it).
    for what in ("okrs", "check-ins", "weekly", "scores", "learnings"):
        paths.append((f"/cycles/{cycle}/export/{what}.csv", False))
        paths.append((f"/api/v1/cycles/{cycle}/export/{what}?format=csv", False))
    # Query strings that name a hidden objective, or whose personal objectives to list.
    paths.append((f"/objectives/new/?parent={world['objective'].pk}", True))
    paths.append((f"/api/v1/objectives?owner_person_id={world['member_a'].pk}", False))
    # The open objective aligned to the hidden one, and its key result: their pages and
    # answers name no parent the reader may not see.
    seen = {**objects, "objective": world["visible_objective"]}
    seen["key_result"] = world["visible_key_result"]
    personal = {**objects, **world["personal"]}
    for route in _routes_with_ids():
        if _fillable(route):
            paths.append((_fill(route, objects), _names_hidden(route)))
            path = _fill(route, seen)
            if _names_hidden(route) and not any(path == p for p, _ in paths):
                paths.append((path, False))
            # The same routes naming the personal objective and what hangs off it.
            path = _fill(route, personal)
            if _names_hidden(route) and not any(path == p for p, _ in paths):
                paths.append((path, True))
    for path, names_hidden in paths:
        if only is not None and path not in only:
            continue
        if on_path is not None:
            on_path(path)
        extra = auth if path.startswith("/api/") else {}
        response = client.get(path, **extra)
        if response.status_code in (301, 302, 303, 405):
            continue
        assert response.status_code < 500, f"GET {path} answered {response.status_code}"
        if names_hidden and response.status_code != 404:
            found.append(f"GET {path}: answered {response.status_code}, not 404")
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        leaked = _leaks(content.decode(errors="replace"), world)
        if leaked:
            found.append(f"GET {path}: {', '.join(leaked)}")
    return found


def _token(person) -> str:
    return org_services.api_token_create(person=person)[1]


def test_a_reader_outside_the_team_sees_nothing_of_a_private_objective(client, world):
    leaks = walk_as(client, world["reader"], world, api_token=_token(world["reader"]))
    assert not leaks, "\n".join(leaks)


def test_those_who_may_see_it_do(client, world):
    """The walk can fail: its team finds the hidden text on the walk; the lead above it and an
    admin on its page, in the API and in search."""
    leaks = walk_as(client, world["member_a"], world, api_token=_token(world["member_a"]))
    assert any("Hidden objective" in x for x in leaks)
    assert any("/api/v1/" in x for x in leaks)
    hidden = world["objective"].pk
    personal = world["personal"]["objective"].pk
    for who in ("lead", "admin"):
        client.force_login(world[who])
        auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(world[who])}"}
        for path, extra, expected in (
            (f"/objectives/{hidden}/", {}, hidden),
            (f"/api/v1/objectives/{hidden}", auth, hidden),
            ("/search/?q=hidden", {}, hidden),
            (f"/teams/{world['unit'].pk}/meeting/", {}, hidden),
            (f"/objectives/{personal}/", {}, personal),
            (f"/people/{world['member_a'].pk}/", {}, personal),
            (f"/api/v1/objectives/{personal}", auth, personal),
            (f"/api/v1/objectives?owner_person_id={world['member_a'].pk}", auth, personal),
        ):
            response = client.get(path, **extra)
            assert response.status_code == 200, (who, path)
            assert str(expected) in response.content.decode(), (who, path)


def _writes(client, person, objects):
    """POST, PUT, PATCH and DELETE (empty bodies; pages take POST only) on every route naming a
    hidden thing, filled from ``objects``, as ``person``: (method, path, response) each."""
    client.force_login(person)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(person)}"}
    for route in _routes_with_ids():
        if not (_fillable(route) and _names_hidden(route)):
            continue
        path = _fill(route, objects)
        api = path.startswith("/api/")
        for method in ("post", "put", "patch", "delete") if api else ("post",):
            kwargs = {"data": json.dumps({}), "content_type": "application/json", **auth}
            yield method, path, getattr(client, method)(path, **(kwargs if api else {}))


def test_writes_naming_a_hidden_objective_are_404_and_change_nothing(client, world):
    """POST, PUT, PATCH and DELETE on every route naming a hidden thing, as the reader."""
    for method, path, response in _writes(client, world["reader"], _objects(world)):
        if response.status_code == 405:
            continue
        assert response.status_code == 404, f"{method.upper()} {path}: {response.status_code}"
        assert not _leaks(response.content.decode(errors="replace"), world), path
    hidden = Objective.objects.get(pk=world["objective"].pk)
    assert (hidden.title, hidden.state) == ("Hidden objective", Objective.State.PROPOSED)
    assert hidden.key_results.get().check_ins.count() == 1
    assert world["comment"].__class__.objects.get(pk=world["comment"].pk).deleted_at is None


@pytest.mark.parametrize("who", ["member_a", "lead", "reader"])
def test_every_write_on_a_personal_objective_answers_without_a_server_error(client, world, who):
    """POST, PUT, PATCH and DELETE (empty bodies) on every route naming a personal objective or
    what hangs off it: its owner and their lead get an answer (saved, refused or not offered), a
    reader who may not see it a 404; never a 500. Then the objective is still its owner's."""
    objects = {**_objects(world), **world["personal"]}
    for method, path, response in _writes(client, world[who], objects):
        assert response.status_code < 500, f"{method.upper()} {path}: {response.status_code}"
        if who == "reader" and response.status_code != 405:
            assert response.status_code == 404, f"{method.upper()} {path}"
    personal = Objective.objects.filter(pk=world["personal"]["objective"].pk).first()
    if who != "member_a":
        assert personal.title == "Hidden personal objective"
        assert personal.owner_person == world["member_a"] and personal.unit is None


def test_a_hidden_parent_is_refused_like_a_foreign_one(client, world):
    client.force_login(world["reader"])
    token = _token(world["reader"])
    response = client.post(
        "/api/v1/objectives",
        data=json.dumps(
            {
                "cycle_id": str(world["cycle"].pk),
                "unit_id": str(world["team_b"].pk),
                "title": "Grow our trial conversions",
                "parent_id": str(world["objective"].pk),
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422, response.content
    assert "Hidden" not in response.content.decode()
    assert not Objective.objects.filter(title="Grow our trial conversions").exists()


def test_a_mention_on_a_private_objective_does_not_tell_who_may_not_see_it(world):
    from cadence.feed.models import Notification

    # Mentioned in a comment on it: not told. (Told of the dependency while the objective was
    # open to all: that notification is no longer shown — the walk's /notifications/.)
    assert not Notification.objects.filter(person=world["reader"], comment=world["comment"])
    assert Notification.objects.filter(person=world["reader"], objective=world["objective"])


# The filters themselves ------------------------------------------------------------------------
#
# Every place that filters by visibility calls a Sight (``objectives``, ``optional`` or
# ``sees``). Below, each such place — a function of Cadence's code — is switched off in turn, and
# the walk is run again over the routes that passed through it: some hidden text or id must
# then leak. A filter whose removal leaks nothing is either not exercised by the walk or not
# needed, and fails the test either way.

SIGHT_METHODS = ("objectives", "optional", "sees")
VISIBILITY_MODULE = "cadence/okrs/visibility.py"

# Places the walk does not reach, with the test that covers each instead.
NOT_WALKED = {
    # Emails and posts to people Cadence does not know (tests/scheduling, tests/integrations).
    ("cadence/feed/notify.py", "notify"): "test_a_mention_on_a_private_objective_…",
}


def _caller_site() -> tuple[str, str] | None:
    import sys

    frame = sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename.replace("\\", "/")
        if "/cadence/" in path and not path.endswith(VISIBILITY_MODULE):
            return ("cadence/" + path.split("/cadence/", 1)[1], frame.f_code.co_name)
        frame = frame.f_back
    return None


class _Switch:
    """Records which places filter, and switches one off."""

    def __init__(self):
        self.seen: dict[tuple[str, str], set[str]] = {}  # place → the paths through it
        self.off: tuple[str, str] | None = None
        self.path = ""

    def at(self, path: str) -> None:
        self.path = path

    def install(self, monkeypatch):
        from django.db.models import Q

        from cadence.okrs.visibility import Sight

        switch = self
        originals = {name: getattr(Sight, name) for name in SIGHT_METHODS}

        def wrap(name):
            original = originals[name]

            def method(sight, *args, **kwargs):
                site = _caller_site()
                if site is not None and not sight.everything:
                    switch.seen.setdefault(site, set()).add(switch.path)
                    if site == switch.off:
                        return True if name == "sees" else Q()
                return original(sight, *args, **kwargs)

            return method

        for name in SIGHT_METHODS:
            monkeypatch.setattr(Sight, name, wrap(name))


def test_every_filter_is_needed_by_the_walk(client, world, monkeypatch):
    from django.db import connection

    if connection.vendor != "sqlite":
        # Which places filter does not depend on the engine; the walk runs on both above.
        pytest.skip("the filters' switch-off walk runs once, on SQLite")
    switch = _Switch()
    switch.install(monkeypatch)
    token = _token(world["reader"])
    assert not walk_as(client, world["reader"], world, api_token=token, on_path=switch.at)
    sites = sorted(set(switch.seen) - set(NOT_WALKED))
    assert len(sites) >= 10, sites  # the walk passes through the filters
    unneeded = []
    for site in sites:
        switch.off = site
        try:
            leaks = walk_as(client, world["reader"], world, api_token=token, only=switch.seen[site])
        except Exception as error:  # a server error with the filter off: it is needed too
            leaks = [str(error)]
        if not leaks:
            unneeded.append(site)
    switch.off = None
    assert not unneeded, f"removing these filters leaked nothing on the walk: {unneeded}"


def test_a_private_objective_asks_no_other_unit(client, world):
    """Another unit could not see what it is asked: the service refuses, the page offers no
    form."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        alignment_services.dependency_create(
            actor=world["member_a"],
            objective=world["objective"],
            provider=world["team_b"],
            description="Review our numbers",
        )
    assert "private to its team" in str(refused.value)
    client.force_login(world["member_a"])
    page = client.get(f"/objectives/{world['objective'].pk}/").content.decode()
    assert "Ask another team for something" not in page
    open_page = client.get(f"/objectives/{world['visible_objective'].pk}/").content.decode()
    assert "Ask another team for something" in open_page
