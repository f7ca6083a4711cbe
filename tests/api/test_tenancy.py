"""Every API route with an id, asked by an admin of another organization (with their own token)
about this organization's objects, answers 404 with every method and body — and changes nothing.

The routes come from the OpenAPI document, so a new endpoint is walked without being listed.
"""

import re
from datetime import date, time

import pytest

from cadence.accounts import services as invitation_services
from cadence.accounts.models import Invitation
from cadence.alignment import services as alignment_services
from cadence.alignment.models import Dependency
from cadence.api.urls import api
from cadence.coach import services as coach_services
from cadence.coach.models import Dismissal
from cadence.feed import services as feed_services
from cadence.feed.models import Comment
from cadence.ideas import services as ideas_services
from cadence.ideas.models import Idea
from cadence.integrations import services as integration_services
from cadence.integrations import sources as integration_sources
from cadence.integrations.models import DataSource, WebhookEndpoint
from cadence.kpis import services as kpi_services
from cadence.kpis.models import Kpi, KpiValue
from cadence.okrs import services as okr_services
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.oneonones import services as one_on_one_services
from cadence.oneonones.models import ActionItem, Feedback, Meeting, Note, TalkingPoint
from cadence.orgs.models import Membership, Unit
from cadence.orgs.selectors import company_unit
from cadence.weekly import services as weekly_services
from tests import factories as f

PARAMS = {
    "objective_id": "objective",
    "key_result_id": "kr",
    "cycle_id": "cycle",
    "unit_id": "team",
    "person_id": "member",
    "item_id": "weekly_item",
    "category_id": "weekly_category",
    "comment_id": "comment",
    "dismissal_id": "dismissal",
    "dependency_id": "dependency",
    "invitation_id": "invitation",
    "webhook_id": "webhook",
    "kpi_id": "kpi",
    "round_id": "ideas_round",
    "idea_id": "idea",
    "pair_id": "one_on_one",
    "meeting_id": "one_on_one_meeting",
    "note_id": "one_on_one_note",
    "action_item_id": "one_on_one_action_item",
}
# Path parameters that are values, not objects.
VALUES = {"week": "2026-W47", "month": "2026-11", "what": "okrs"}
BODIES = [
    None,
    {},
    {"title": "Taken over", "value": 1, "confidence": "on_track", "state": "abandoned"},
    {"title": 5, "value": "NaN", "weight": -1},
]


def _routes():
    schema = api.get_openapi_schema(path_prefix="")
    for path, operations in schema["paths"].items():
        if "{" in path:
            for method in operations:
                yield method, path


def test_the_walk_finds_the_routes_with_ids():
    routes = set(_routes())
    assert ("patch", "/objectives/{objective_id}") in routes
    assert ("post", "/key-results/{key_result_id}/check-ins") in routes
    assert {("patch", "/cycles/{cycle_id}"), ("delete", "/cycles/{cycle_id}")} <= routes
    assert all(re.findall(r"{(\w+)}", p)[0] in PARAMS for _, p in routes)


@pytest.mark.parametrize("method,route", sorted(_routes()))
def test_another_organizations_objects_are_404(
    admin, member, outsider_api, objective, kr, cycle, team, method, route, settings
):
    settings.ALLOW_PRIVATE_OUTBOUND = True  # the webhook's address (never called here)
    okr_services.check_in_create(actor=admin, key_result=kr, value=30, confidence="on_track")
    weekly_item = weekly_services.item_create(
        actor=member, person=member, week=date(2026, 11, 16), category="plans", text="Plan"
    )
    weekly_category = weekly_services.category_create(actor=admin, name="Column", unit=team)
    company = company_unit(team.organization)
    objects = {
        "objective": objective,
        "kr": kr,
        "cycle": cycle,
        "team": team,
        "member": member,
        "weekly_item": weekly_item,
        "weekly_category": weekly_category,
        "comment": feed_services.comment_create(actor=member, target=objective, text="Mine"),
        # One key result: the coach's obj-kr-count fires and was dismissed.
        "dismissal": coach_services.finding_dismiss(
            actor=admin, check_id="obj-kr-count", reason="Mine", objective=objective
        ),
        "invitation": invitation_services.invitation_create(
            actor=admin, organization=team.organization, email="invitee@example.test"
        ),
        "dependency": alignment_services.dependency_create(
            actor=admin,
            objective=objective,
            provider=company_unit(team.organization),
            description="Mine",
        ),
        "webhook": integration_services.webhook_create(
            actor=admin, url="http://127.0.0.1:9/mine", events=["check_in.created"]
        )[0],
        "source": integration_sources.data_source_set(
            actor=admin, key_result=kr, kind="csv", url="http://127.0.0.1:9/mine.csv", cell="B2"
        ),
        "kpi": kpi_services.kpi_create(actor=admin, unit=team, name="Uptime", band_min=99.5),
    }
    objects["ideas_round"] = ideas_services.ideas_round_open(
        actor=admin,
        unit=team,
        cycle=cycle,
        opens_on=date(2026, 11, 23),
        closes_on=date(2026, 11, 29),
    )
    objects["idea"] = ideas_services.idea_add(
        actor=member, prompt=objects["ideas_round"].prompts.first(), title="Mine"
    )
    kpi_source = integration_sources.data_source_set(
        actor=admin, kpi=objects["kpi"], kind="csv", url="http://127.0.0.1:9/kpi.csv", cell="B3"
    )
    # A 1:1 of the team's lead and its member: an action item raised in a meeting, a note.
    lead = f.make_person(team.organization, name="Lee Lead")
    f.join(team, lead, role="lead")
    one_on_one = one_on_one_services.pair_create(
        actor=lead, member=member, frequency="weekly", weekday=1, at=time(10, 0)
    )
    objects["one_on_one"] = one_on_one
    objects["one_on_one_action_item"] = one_on_one_services.action_item_add(
        actor=lead, pair=one_on_one, owner="member", text="Mine"
    )
    objects["one_on_one_meeting"] = objects["one_on_one_action_item"].raised_in
    objects["one_on_one_note"] = one_on_one_services.note_add(
        actor=lead, pair=one_on_one, text="Mine"
    )
    path = re.sub(
        r"{(\w+)}",
        lambda m: VALUES.get(m.group(1)) or str(objects[PARAMS[m.group(1)]].pk),
        route,
    )
    for body in BODIES:
        response = outsider_api.call(method, path, body)
        assert response.status_code == 404, (method, path, body, response.content)
        assert response.json() == {"message": "Not found.", "errors": {}}
    response = outsider_api.call(method, path, raw="{not json")
    assert response.status_code == 404, (method, path, "malformed JSON")

    objective.refresh_from_db()
    kr.refresh_from_db()
    assert (objective.title, objective.state) == ("Customers love the product", "draft")
    assert (kr.title, kr.current, kr.target) == ("NPS from 20 to 40", 30, 40)
    assert CheckIn.objects.count() == 1
    assert Objective.objects.count() == KeyResult.objects.count() == Cycle.objects.count() == 1
    assert (Cycle.objects.get().closed_at, objective.score, kr.score) == (None, None, None)
    assert (Cycle.objects.get().name, Cycle.objects.get().end) == ("Q4 2026", date(2026, 12, 31))
    assert Unit.objects.filter(organization=team.organization).count() == 2
    team.refresh_from_db()
    assert (team.name, team.parent_id, team.archived_at) == ("Product", company.pk, None)
    assert Membership.objects.get(unit=team, person=member).role == "member"
    weekly_item.refresh_from_db()
    assert (weekly_item.text, weekly_item.category.slug, weekly_item.deleted_at) == (
        "Plan",
        "plans",
        None,
    )
    weekly_category.refresh_from_db()
    assert (weekly_category.name, weekly_category.position, weekly_category.archived_at) == (
        "Column",
        0,
        None,
    )
    assert Comment.objects.get(pk=objects["comment"].pk).deleted_at is None
    assert Dismissal.objects.filter(pk=objects["dismissal"].pk).exists()
    assert Dependency.objects.get(pk=objects["dependency"].pk).state == "requested"
    member.refresh_from_db()
    assert (member.role, member.is_active) == ("member", True)
    invitation = Invitation.objects.get(pk=objects["invitation"].pk)
    assert invitation.is_open and invitation.sends == 1
    webhook = WebhookEndpoint.objects.get(pk=objects["webhook"].pk)
    assert webhook.active and not webhook.deliveries.exists()
    source = DataSource.objects.get(pk=objects["source"].pk)
    assert (source.url, source.cell, source.requested) == ("http://127.0.0.1:9/mine.csv", "B2", "")
    kpi = Kpi.objects.get(pk=objects["kpi"].pk)
    assert (kpi.name, kpi.band_min, kpi.archived_at) == ("Uptime", 99.5, None)
    assert not KpiValue.objects.exists()
    kpi_source = DataSource.objects.get(pk=kpi_source.pk)
    assert (kpi_source.kpi_id, kpi_source.url, kpi_source.cell) == (
        kpi.pk,
        "http://127.0.0.1:9/kpi.csv",
        "B3",
    )
    assert (kpi_source.requested, kpi_source.active) == ("", True)
    idea = Idea.objects.get()  # the only one: none added; not voted on, commented or decided
    assert (idea.title, idea.state, idea.objective_id) == ("Mine", "open", None)
    assert not idea.votes.exists() and not idea.comments.exists()
    assert Meeting.objects.count() == Note.objects.count() == ActionItem.objects.count() == 1
    assert not TalkingPoint.objects.exists() and not Feedback.objects.exists()
    assert ActionItem.objects.get().done_at is None and Note.objects.get().text == "Mine"


def test_notifications_are_only_ever_ones_own(member, admin, objective, outsider_api):
    """/notifications has no id in its path: another organization's ids in its body are left
    alone, and its list holds only the caller's."""
    feed_services.comment_create(actor=member, target=objective, text="For the owner")
    from cadence.feed.models import Notification

    ids = [str(pk) for pk in Notification.objects.values_list("pk", flat=True)]
    assert ids
    assert outsider_api.get("/notifications").json() == []
    answer = outsider_api.post("/notifications/read", {"ids": ids})
    assert answer.status_code == 200 and answer.json()["marked"] == 0
    assert not Notification.objects.filter(read_at__isnull=False).exists()
