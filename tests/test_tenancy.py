"""The tenancy walk: every page and every API route, asked by a person of another organization
about this organization's objects, answers 404 — never data, never a 500.

The routes are discovered from the URL configuration, so a new page or endpoint is walked
without anyone remembering to add it here.
"""

import json
import re
from datetime import date, time

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from cadence.accounts import services as invitation_services
from cadence.accounts import sso as sso_services
from cadence.alignment import services as alignment_services
from cadence.calendars import services as calendar_services
from cadence.coach import services as coach_services
from cadence.feed import services as feed_services
from cadence.ideas import services as ideas_services
from cadence.integrations import channel_services
from cadence.integrations import services as integration_services
from cadence.integrations import sources as integration_sources
from cadence.integrations.models import DataSource
from cadence.kpis import services as kpi_services
from cadence.okrs import services as okr_services
from cadence.oneonones import services as one_on_one_services
from cadence.orgs import services as org_services
from cadence.scheduling import subscriber_services
from cadence.weekly import services as weekly_services
from tests import factories as f

# Which object fills a path parameter: decided by the path segment in front of it.
SEGMENT_TO_OBJECT = {
    "cycles": "cycle",
    "units": "unit",
    "objectives": "objective",
    "key-results": "key_result",
    "people": "person",
    "teams": "unit",
    "weekly": "person",
    "weekly-items": "weekly_item",
    "weekly-categories": "weekly_category",
    "comments": "comment",
    "notifications": "notification",
    "dismissals": "dismissal",
    "dependencies": "dependency",
    "invitations": "invitation",
    "subscribers": "subscriber",
    "members": "person",  # /units/<unit_id>/members/<person_id>
    "webhooks": "webhook",
    "channels": "channel",
    "kpis": "kpi",
    "rounds": "ideas_round",  # /ideas/rounds/<round_id>/
    "ideas-rounds": "ideas_round",
    "ideas": "idea",
    "one-on-ones": "one_on_one",
    "meetings": "one_on_one_meeting",
    "notes": "one_on_one_note",
    "action-items": "one_on_one_action_item",
}
# Parameters filled with a value rather than an object: by their name.
PARAM_VALUES = {
    "week": "2026-W47",
    "month": "2026-11",
    "function_slug": "sales",
    "index": "0",
    # An invitation link's secret: not one of anybody's.
    "secret": "not-an-invitation",
    # An unsubscribe link's token: not one of anybody's.
    "token": "not-a-subscriber-token",
    # An export's file name (the export is of the cycle in the path).
    "filename": "okrs.xlsx",
    "what": "okrs",
}

# allauth's single sign-on URLs name an organization's provider by a regular expression group.
PROVIDER_ID = "^(?P<provider_id>[^/]+)"

PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _routes_with_ids():
    routes = sorted({r for r in _walk(get_resolver().url_patterns) if PARAM.search(r)})
    return [r for r in routes if not r.startswith("static")]


def _fill(route: str, objects: dict) -> str:
    if PROVIDER_ID in route:
        route = route.replace(PROVIDER_ID, objects["sso"].provider_id)
    out = []
    parts = route.split("/")
    for i, part in enumerate(parts):
        m = PARAM.fullmatch(part)
        if m and m.group("name") in PARAM_VALUES:
            out.append(PARAM_VALUES[m.group("name")])
        elif m:
            segment = parts[i - 1] if i else ""
            kind = SEGMENT_TO_OBJECT.get(segment)
            assert kind, f"the tenancy walk does not know what fills {route!r}; teach it"
            out.append(str(objects[kind].pk))
        else:
            out.append(part)
    path = "/".join(out)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture
def victim(db, settings):
    """An organization with one of everything, owned by someone else."""
    org, admin = f.make_org("Victim")
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the provider's address (never called here)
    sso = sso_services.sso_settings_set(
        actor=admin,
        organization=org,
        enabled=True,
        name="Secret provider",
        issuer="http://127.0.0.1:9",
        client_id="secret-client",
        client_secret="secret-client-secret",
        domains=["victim.test"],
        require_sso=False,
    )
    team = f.make_unit(org, "Secret team")
    person = f.make_person(org, name="Secret Person")
    f.join(team, person)
    cycle = f.make_cycle(
        admin, name="Secret cycle", start=date(2026, 10, 1), end=date(2026, 12, 31)
    )
    objective = f.make_objective(admin, cycle, team, title="Secret objective")
    kr = f.make_kr(admin, objective, title="Secret key result")
    okr_services.check_in_create(actor=admin, key_result=kr, value=10, confidence="on_track")
    weekly_item = weekly_services.item_create(
        actor=person, person=person, week=date(2026, 11, 16), category="plans", text="Secret plan"
    )
    weekly_category = weekly_services.category_create(actor=admin, name="Secret column", unit=team)
    comment = feed_services.comment_create(
        actor=person, target=objective, text=f"Secret comment @{admin.email}"
    )
    # The objective has one key result: the coach's obj-kr-count fires and can be dismissed.
    dismissal = coach_services.finding_dismiss(
        actor=person, check_id="obj-kr-count", reason="Secret reason", objective=objective
    )
    other_team = f.make_unit(org, "Secret helpers")
    dependency = alignment_services.dependency_create(
        actor=admin, objective=objective, provider=other_team, description="Secret need"
    )
    invitation = invitation_services.invitation_create(
        actor=admin, organization=org, email="secret.invitee@example.test", units=[team]
    )
    subscriber = subscriber_services.subscriber_add(
        actor=admin, email="secret.subscriber@example.test", what="team_digest", unit=team
    )
    # Feeds the intruder must neither see nor revoke (calendars/teams/<unit_id>/revoke/).
    team_feed = calendar_services.calendar_feed_create(actor=admin, unit=team)[0]
    person_feed = calendar_services.calendar_feed_create(actor=person, person=person)[0]
    webhook, _ = integration_services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/secret-hook", events=["check_in.created"]
    )
    integration_services.webhook_test(actor=admin, endpoint=webhook)
    channel = channel_services.channel_create(
        actor=admin,
        unit=team,
        kind="slack",
        url="http://127.0.0.1:9/secret-channel",
        messages=["digest"],
        label="Secret channel",
    )
    channel_services.channel_test(actor=admin, channel=channel)
    source = integration_sources.data_source_set(
        actor=admin, key_result=kr, kind="http_json", url="http://127.0.0.1:9/secret-source"
    )
    kpi = kpi_services.kpi_create(actor=admin, unit=team, name="Secret KPI", band_min=99.5)
    kpi_source = integration_sources.data_source_set(
        actor=admin, kpi=kpi, kind="csv", url="http://127.0.0.1:9/secret-kpi-source", cell="B2"
    )
    ideas_round = ideas_services.ideas_round_open(
        actor=admin,
        unit=team,
        cycle=cycle,
        opens_on=date(2026, 11, 23),
        closes_on=date(2026, 11, 29),
        prompts=["Secret question?"],
    )
    idea = ideas_services.idea_add(
        actor=person, prompt=ideas_round.prompts.get(), title="Secret idea"
    )
    # A 1:1 between the team's lead and its person, with something in each of its parts.
    secret_lead = f.make_person(org, name="Secret Lead")
    f.join(team, secret_lead, role="lead")
    one_on_one = one_on_one_services.pair_create(
        actor=secret_lead, member=person, frequency="weekly", weekday=1, at=time(10, 0)
    )
    one_on_one_item = one_on_one_services.action_item_add(
        actor=secret_lead, pair=one_on_one, owner="member", text="Secret action"
    )
    one_on_one_note = one_on_one_services.note_add(
        actor=secret_lead, pair=one_on_one, text="Secret note", private=True
    )
    one_on_one_services.talking_point_add(actor=person, pair=one_on_one, text="Secret point")
    one_on_one_services.feedback_add(actor=secret_lead, pair=one_on_one, text="Secret praise")
    return {
        "ideas_round": ideas_round,
        "idea": idea,
        "one_on_one": one_on_one,
        "one_on_one_meeting": one_on_one_item.raised_in,
        "one_on_one_note": one_on_one_note,
        "one_on_one_action_item": one_on_one_item,
        "channel": channel,
        "source": source,
        "kpi": kpi,
        "kpi_source": kpi_source,
        "team_feed": team_feed,
        "person_feed": person_feed,
        "webhook": webhook,
        "invitation": invitation,
        "sso": sso,
        "subscriber": subscriber,
        "dependency": dependency,
        "dismissal": dismissal,
        "org": org,
        "cycle": cycle,
        "unit": team,
        "objective": objective,
        "key_result": kr,
        "person": person,
        "weekly_item": weekly_item,
        "weekly_category": weekly_category,
        "comment": comment,
        "notification": comment.notifications.get(),
    }


@pytest.fixture
def intruder_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def intruder_token(outsider):
    return org_services.api_token_create(person=outsider)[1]


def _assert_404_no_leak(response, victim, label):
    assert response.status_code == 404, f"{label} answered {response.status_code}"
    body = response.content.decode()
    for secret in (
        "Secret objective",
        "Secret key result",
        "Secret team",
        "Secret cycle",
        "Secret plan",
        "Secret column",
        "Secret comment",
        "Secret reason",
        "Secret need",
        "secret.invitee",
        "Secret Person",
        "Secret provider",
        "secret-client",
        "secret.subscriber",
        "secret-hook",
        "Secret channel",
        "secret-channel",
        "secret-source",
        "Secret KPI",
        "secret-kpi-source",
        "Secret question",
        "Secret idea",
        "Secret action",
        "Secret note",
        "Secret point",
        "Secret praise",
        "Secret Lead",
    ):
        assert secret not in body, f"{label} leaked {secret!r}"


def _assert_kpi_source_untouched(victim):
    """The KPI's source was not changed, removed, switched off, synced or tested."""
    source = DataSource.objects.get(pk=victim["kpi_source"].pk)
    assert (source.kpi_id, source.url, source.cell, source.requested, source.active) == (
        victim["kpi"].pk,
        "http://127.0.0.1:9/secret-kpi-source",
        "B2",
        "",
        True,
    )


def test_walk_covers_pages_and_api(db):
    routes = _routes_with_ids()
    assert any(r.startswith("api/v1/") for r in routes), routes
    assert any(not r.startswith("api/") for r in routes), routes
    assert "cycles/<uuid:cycle_id>/edit/" in routes and "cycles/<uuid:cycle_id>/delete/" in routes


def test_pages_are_404_for_another_organization(intruder_client, victim):
    for route in _routes_with_ids():
        if route.startswith("api/"):
            continue
        path = _fill(route, victim)
        for method in ("get", "post"):
            response = getattr(intruder_client, method)(path)
            _assert_404_no_leak(response, victim, f"{method.upper()} {path}")
    victim["subscriber"].refresh_from_db()  # neither removed nor unsubscribed by the intruder
    assert victim["subscriber"].unsubscribed_at is None
    victim["person"].refresh_from_db()  # not erased (settings/people/<id>/erase/)
    assert victim["person"].name == "Secret Person"
    for feed in ("team_feed", "person_feed"):  # still live: not revoked nor replaced
        victim[feed].refresh_from_db()
        assert victim[feed].revoked_at is None, feed
    victim["webhook"].refresh_from_db()  # not switched off, deleted or tested by the intruder
    assert victim["webhook"].active and victim["webhook"].deliveries.count() == 1
    victim["channel"].refresh_from_db()  # not switched off, removed or tested by the intruder
    assert victim["channel"].active and victim["channel"].posts.count() == 1
    victim["source"].refresh_from_db()  # not changed, removed, synced or tested by the intruder
    assert (victim["source"].url, victim["source"].requested, victim["source"].active) == (
        "http://127.0.0.1:9/secret-source",
        "",
        True,
    )
    victim["kpi"].refresh_from_db()  # no value, not archived, no recovery objective
    assert (victim["kpi"].archived_at, victim["kpi"].recovery_objective_id) == (None, None)
    assert not victim["kpi"].values.exists()
    _assert_kpi_source_untouched(victim)
    _assert_idea_untouched(victim)


def _assert_idea_untouched(victim):
    """The idea was not voted on, commented on, promoted or declined; no idea was added."""
    idea = victim["idea"]
    idea.refresh_from_db()
    assert (idea.state, idea.objective_id) == ("open", None)
    assert not idea.votes.exists() and not idea.comments.exists()
    assert victim["ideas_round"].ideas.count() == 1
    _assert_one_on_one_untouched(victim)


def _assert_one_on_one_untouched(victim):
    """The 1:1 got no meeting, point, note, action item or feedback, and nothing was ticked."""
    pair = victim["one_on_one"]
    assert pair.meetings.count() == 1 and pair.feedback.count() == 1
    meeting = pair.meetings.get()
    assert meeting.talking_points.count() == 1 and meeting.notes.count() == 1
    item = pair.action_items.get()
    assert item.done_at is None
    victim["one_on_one_note"].refresh_from_db()
    assert victim["one_on_one_note"].text == "Secret note"


def test_pages_with_foreign_ids_in_the_query_string_are_404(intruder_client, victim):
    for query in (
        f"/?cycle={victim['cycle'].pk}",
        f"/objectives/new/?unit={victim['unit'].pk}",
        f"/settings/audit/?actor={victim['person'].pk}",
        f"/units/{victim['unit'].pk}/kpis/new/",
        f"/cycles/{victim['cycle'].pk}/export/okrs.csv?unit={victim['unit'].pk}",
        f"/search/?q=secret&cycle={victim['cycle'].pk}",
        f"/search/?q=secret&unit={victim['unit'].pk}",
    ):
        response = intruder_client.get(query)
        _assert_404_no_leak(response, victim, query)
    # Searching for the victim's words finds none of them.
    response = intruder_client.get("/search/?q=secret")
    assert response.status_code == 200 and "Secret" not in response.content.decode()


def test_api_routes_are_404_for_another_organization(client, victim, intruder_token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {intruder_token}"}
    for route in _routes_with_ids():
        if not route.startswith("api/"):
            continue
        path = _fill(route, victim)
        for method in ("get", "post", "put", "patch", "delete"):
            if method == "get":
                response = client.get(path, **auth)
            else:
                response = getattr(client, method)(
                    path, data=json.dumps({}), content_type="application/json", **auth
                )
            if response.status_code == 405:
                continue  # the route has no such method at all
            _assert_404_no_leak(response, victim, f"{method.upper()} {path}")
    # Nothing was changed or removed by the attempts.
    victim["objective"].refresh_from_db()
    victim["key_result"].refresh_from_db()
    assert victim["key_result"].check_ins.count() == 1
    victim["weekly_item"].refresh_from_db()
    assert (victim["weekly_item"].text, victim["weekly_item"].deleted_at) == ("Secret plan", None)
    assert victim["weekly_item"].category.slug == "plans"
    victim["comment"].refresh_from_db()
    assert victim["comment"].deleted_at is None
    victim["dismissal"].refresh_from_db()  # still there: not withdrawn by the intruder
    victim["dependency"].refresh_from_db()  # still there, still only requested
    assert victim["dependency"].state == "requested"
    victim["objective"].refresh_from_db()
    assert victim["objective"].state == "draft"  # not proposed or approved by the intruder
    victim["cycle"].refresh_from_db()
    assert victim["cycle"].closed_at is None  # not closed by the intruder
    assert victim["objective"].score is None  # nor scored
    victim["weekly_category"].refresh_from_db()
    assert (victim["weekly_category"].name, victim["weekly_category"].archived_at) == (
        "Secret column",
        None,
    )
    victim["person"].refresh_from_db()
    assert (victim["person"].role, victim["person"].is_active) == ("member", True)
    assert victim["person"].name == "Secret Person"  # not erased (POST …/people/{id}/erase)
    victim["invitation"].refresh_from_db()
    assert victim["invitation"].is_open and victim["invitation"].sends == 1
    victim["webhook"].refresh_from_db()  # not switched off, deleted or tested by the intruder
    assert victim["webhook"].active and victim["webhook"].deliveries.count() == 1
    victim["source"].refresh_from_db()  # not changed, removed, synced or tested by the intruder
    assert (victim["source"].url, victim["source"].requested, victim["source"].active) == (
        "http://127.0.0.1:9/secret-source",
        "",
        True,
    )
    _assert_kpi_source_untouched(victim)
    assert not victim["kpi"].values.exists()
    victim["unit"].refresh_from_db()  # not renamed, archived or deleted; its people still in it
    assert (victim["unit"].name, victim["unit"].archived_at) == ("Secret team", None)
    assert victim["unit"].memberships.filter(person=victim["person"]).exists()
    _assert_idea_untouched(victim)
    assert victim["person"].pk in {m.person_id for m in victim["unit"].memberships.all()}
    _assert_one_on_one_untouched(victim)


def test_api_lists_never_show_another_organization(client, victim, intruder_token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {intruder_token}"}
    for path in (
        "/api/v1/units",
        "/api/v1/cycles",
        "/api/v1/objectives",
        "/api/v1/dependencies",
        "/api/v1/approvals",
        "/api/v1/audit",
        "/api/v1/people",
        "/api/v1/invitations",
        "/api/v1/webhooks",
        "/api/v1/kpis",
        "/api/v1/ideas-rounds",
    ):
        response = client.get(path, **auth)
        assert response.status_code == 200, path
        assert "Secret" not in response.content.decode(), path
    response = client.get(f"/api/v1/objectives?cycle_id={victim['cycle'].pk}", **auth)
    assert response.status_code == 404
    response = client.get(f"/api/v1/audit?actor_id={victim['person'].pk}", **auth)
    assert response.status_code == 404
    # Search: the victim's words find nothing; the victim's cycle or unit as a filter is a 404.
    response = client.get("/api/v1/search?q=secret", **auth)
    assert response.status_code == 200 and response.json() == []
    for param in (f"cycle_id={victim['cycle'].pk}", f"unit_id={victim['unit'].pk}"):
        response = client.get(f"/api/v1/search?q=secret&{param}", **auth)
        assert response.status_code == 404, param


def _import_rows_naming(victim) -> bytes:
    """A spreadsheet that names the victim's cycle, unit, objective, key result and person."""
    header = "cycle,unit,objective,key_result,start,target,owner_email,external_id,parent\n"
    row = (
        f"{victim['cycle'].name},{victim['unit'].name},Secret objective,Secret key result,0,10,"
        f"{victim['person'].email},,Secret objective\n"
    )
    return (header + row).encode()


def test_imports_name_only_the_callers_organization(client, victim, intruder_client, outsider):
    """The import pages and API (/import/okrs/, /api/v1/imports/okrs) find cycles, units, people
    and objectives in the caller's organization only, and a kept upload is its uploader's."""
    from io import BytesIO

    from cadence.transfer import services as transfer_services
    from cadence.transfer.models import PendingImport
    from cadence.transfer.okr_import import ImportFiles

    upload = BytesIO(_import_rows_naming(victim))
    upload.name = "okrs.csv"
    response = intruder_client.post("/import/okrs/", {"action": "preview", "okr_file": upload})
    assert response.status_code == 422
    assert "There is no cycle called" in response.content.decode()
    _assert_no_leak_beyond_names(response, victim)
    token = org_services.api_token_create(person=outsider, name="intruder")[1]
    upload = BytesIO(_import_rows_naming(victim))
    upload.name = "okrs.csv"
    response = client.post(
        "/api/v1/imports/okrs?dry_run=false",
        {"file": upload},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    _assert_no_leak_beyond_names(response, victim)
    # The victim's admin's upload, kept for confirmation, is not the intruder's to confirm.
    victim_admin = victim["org"].people.filter(role="admin").first()
    pending = transfer_services.pending_import_create(
        actor=victim_admin,
        organization=victim["org"],
        files=ImportFiles(okr_name="okrs.csv", okr_data=b"cycle,objective\nx,Secret objective\n"),
    )
    response = intruder_client.post("/import/okrs/", {"action": "confirm", "pending": pending.pk})
    _assert_404_no_leak(response, victim, "POST /import/okrs/ confirm")
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def _assert_no_leak_beyond_names(response, victim) -> None:
    """The answer may repeat the names the file itself gave, never what only the victim has."""
    text = response.content.decode()
    assert victim["person"].name not in text
    assert str(victim["objective"].pk) not in text and str(victim["cycle"].pk) not in text
