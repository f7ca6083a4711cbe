"""Registering webhooks, and the deliveries that changes queue in their own transaction."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cadence.alignment import services as alignment_services
from cadence.audit.models import Event
from cadence.core.errors import Conflict
from cadence.core.limits import MAX_WEBHOOK_URL, MAX_WEBHOOKS
from cadence.integrations import services
from cadence.integrations.models import WebhookDelivery, WebhookEndpoint
from cadence.kpis import services as kpi_services
from cadence.okrs import services as okr_services
from cadence.scoring import services as scoring_services
from cadence.weekly import services as weekly_services
from tests import factories as f
from tests.integrations.conftest import ALL_EVENTS


def _errors(excinfo) -> dict:
    return excinfo.value.message_dict


def _payloads(event: str) -> list[dict]:
    return [json.loads(d.payload) for d in WebhookDelivery.objects.filter(event=event)]


# Registering --------------------------------------------------------------------------------


def test_an_admin_registers_a_webhook_and_gets_its_secret_once(org_admin, allow_private):
    org, admin = org_admin
    endpoint, secret = services.webhook_create(
        actor=admin,
        url=" http://127.0.0.1:9/hook ",
        events=["cycle.closed", "check_in.created", "cycle.closed"],
    )
    assert endpoint.url == "http://127.0.0.1:9/hook"
    assert endpoint.events == ["check_in.created", "cycle.closed"]  # catalogue order, once each
    assert secret.startswith("whsec_") and len(secret) > 40 and endpoint.secret == secret
    assert endpoint.active and endpoint.organization == org and endpoint.created_by == admin
    event = Event.objects.get(kind="webhook.created")
    assert event.changes["url"] == [None, "http://127.0.0.1:9/hook"]
    assert secret not in json.dumps(event.changes)  # the trail never holds the secret


@pytest.mark.parametrize(
    "url,message",
    [
        ("", "Enter the address"),
        ("   ", "Enter the address"),
        ("ftp://127.0.0.1/hook", "https://"),
        ("javascript:alert(1)", "https://"),
        ("https://exa mple.com/", "no spaces"),
        ("https://127.0.0.1/" + "a" * MAX_WEBHOOK_URL, f"{MAX_WEBHOOK_URL} characters"),
    ],
)
def test_bad_addresses_are_refused(org_admin, allow_private, url, message):
    _, admin = org_admin
    with pytest.raises(ValidationError) as excinfo:
        services.webhook_create(actor=admin, url=url, events=["cycle.closed"])
    assert message in _errors(excinfo)["url"][0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/hook", "https://10.0.0.5/hook", "https://[::1]/hook"]
)
def test_a_loopback_or_private_address_is_refused_unless_the_operator_allows_it(
    org_admin, settings, url
):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    _, admin = org_admin
    with pytest.raises(ValidationError) as excinfo:
        services.webhook_create(actor=admin, url=url, events=["cycle.closed"])
    assert "ALLOW_PRIVATE_OUTBOUND" in _errors(excinfo)["url"][0]


def test_plain_http_to_a_public_address_is_refused(org_admin, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    _, admin = org_admin
    with pytest.raises(ValidationError) as excinfo:
        services.webhook_create(actor=admin, url="http://93.184.215.14/hook", events=ALL_EVENTS)
    assert "https://" in _errors(excinfo)["url"][0]


@pytest.mark.parametrize(
    "events,message",
    [([], "at least one"), (["kpi.out_of_band"], "no event 'kpi.out_of_band'"), (None, "at least")],
)
def test_events_come_from_the_catalogue(org_admin, allow_private, events, message):
    _, admin = org_admin
    with pytest.raises(ValidationError) as excinfo:
        services.webhook_create(actor=admin, url="http://127.0.0.1:9/", events=events)
    assert message in _errors(excinfo)["events"][0]


def test_only_admins_manage_webhooks(org_admin, allow_private):
    org, admin = org_admin
    endpoint, _ = services.webhook_create(actor=admin, url="http://127.0.0.1:9/", events=ALL_EVENTS)
    for role in ("member", "viewer"):
        person = f.make_person(org, role=role)
        with pytest.raises(PermissionDenied):
            services.webhook_create(actor=person, url="http://127.0.0.1:9/", events=ALL_EVENTS)
        with pytest.raises(PermissionDenied):
            services.webhook_update(actor=person, endpoint=endpoint, active=False)
        with pytest.raises(PermissionDenied):
            services.webhook_delete(actor=person, endpoint=endpoint)
        with pytest.raises(PermissionDenied):
            services.webhook_test(actor=person, endpoint=endpoint)
    _, other_admin = f.make_org("Other")
    with pytest.raises(PermissionDenied):
        services.webhook_delete(actor=other_admin, endpoint=endpoint)
    assert WebhookEndpoint.objects.get().active


def test_an_organization_keeps_a_bounded_number_of_webhooks(org_admin, allow_private):
    _, admin = org_admin
    for i in range(MAX_WEBHOOKS):
        services.webhook_create(actor=admin, url=f"http://127.0.0.1:9/{i}", events=ALL_EVENTS)
    with pytest.raises(Conflict):
        services.webhook_create(actor=admin, url="http://127.0.0.1:9/more", events=ALL_EVENTS)


# Queuing ----------------------------------------------------------------------------------


def test_a_check_in_queues_one_delivery_per_subscribed_active_endpoint(okrs, allow_private):
    admin, kr = okrs["admin"], okrs["kr"]
    subscribed, _ = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/a", events=["check_in.created"]
    )
    services.webhook_create(actor=admin, url="http://127.0.0.1:9/b", events=["cycle.closed"])
    off, _ = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/c", events=["check_in.created"]
    )
    services.webhook_update(actor=admin, endpoint=off, active=False)
    # Another organization's webhook for the same event hears nothing of this one.
    other_org, other_admin = f.make_org("Other")
    services.webhook_create(actor=other_admin, url="http://127.0.0.1:9/d", events=ALL_EVENTS)

    check_in = okr_services.check_in_create(
        actor=admin, key_result=kr, value=40, confidence="on_track", note="Good week"
    )
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.endpoint == subscribed and delivery.event == "check_in.created"
    assert delivery.state == "pending" and delivery.attempts == 0
    assert str(check_in.pk) in delivery.key


def test_no_delivery_is_queued_for_a_change_that_is_rolled_back(okrs, allow_private):
    admin, kr = okrs["admin"], okrs["kr"]
    services.webhook_create(actor=admin, url="http://127.0.0.1:9/a", events=ALL_EVENTS)
    with pytest.raises(RuntimeError), transaction.atomic():
        okr_services.check_in_create(actor=admin, key_result=kr, value=40, confidence="on_track")
        raise RuntimeError("the request failed after the check-in")
    assert not WebhookDelivery.objects.exists()
    assert not kr.check_ins.exists()


def test_an_organization_without_webhooks_pays_one_query_per_check_in(
    okrs, django_assert_max_num_queries
):
    admin, kr = okrs["admin"], okrs["kr"]
    okr_services.check_in_create(actor=admin, key_result=kr, value=1, confidence="on_track")
    with django_assert_max_num_queries(100) as counted:
        okr_services.check_in_create(actor=admin, key_result=kr, value=2, confidence="on_track")
    asked = [
        q["sql"] for q in counted.captured_queries if "integrations_webhookendpoint" in q["sql"]
    ]
    assert len(asked) == 1
    assert not WebhookDelivery.objects.exists()


def test_bulk_imported_check_ins_queue_no_delivery(okrs, allow_private):
    """okrs_bulk_create (the spreadsheet import) does not tell the check-in hook: an import of a
    million check-ins is not a million webhook calls (docs/decisions.md)."""
    import csv
    import io

    from cadence.okrs.models import CheckIn
    from cadence.transfer.columns import CHECK_IN_COLUMNS, OKR_COLUMNS
    from cadence.transfer.okr_import import ImportFiles
    from cadence.transfer.services import okr_import_apply, okr_import_plan

    def sheet(columns, row):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(columns))
        writer.writeheader()
        writer.writerow({c: row.get(c, "") for c in columns})
        return out.getvalue().encode()

    org, admin = okrs["org"], okrs["admin"]
    services.webhook_create(actor=admin, url="http://127.0.0.1:9/a", events=ALL_EVENTS)
    where = {"cycle": "Q4", "unit": "Platform", "objective": "Imported objective"}
    files = ImportFiles(
        okr_name="okrs.csv",
        okr_data=sheet(
            OKR_COLUMNS,
            {
                **where,
                "key_result": "Imported result",
                "start": "0",
                "target": "10",
                "standalone_reason": "Our own bet",
            },
        ),
        check_in_name="check-ins.csv",
        check_in_data=sheet(
            CHECK_IN_COLUMNS,
            {
                **where,
                "key_result": "Imported result",
                "date": "2026-11-02",
                "value": "5",
                "confidence": "on_track",
            },
        ),
    )
    plan = okr_import_plan(actor=admin, organization=org, files=files)
    assert not plan.errors, [e.as_line() for e in plan.errors]
    okr_import_apply(actor=admin, organization=org, plan=plan)
    assert CheckIn.objects.filter(key_result__title="Imported result").count() == 1
    assert not WebhookDelivery.objects.exists()


# Payloads ---------------------------------------------------------------------------------


def test_check_in_created_carries_the_key_result_and_the_check_in(okrs, allow_private):
    org, admin, kr = okrs["org"], okrs["admin"], okrs["kr"]
    services.webhook_create(actor=admin, url="http://127.0.0.1:9/a", events=ALL_EVENTS)
    check_in = okr_services.check_in_create(
        actor=admin, key_result=kr, value=40, confidence="at_risk", note="Slower than hoped"
    )
    (body,) = _payloads("check_in.created")
    assert set(body) == {
        "event",
        "organization_id",
        "occurred_at",
        "key_result",
        "check_in",
        "actor",
    }
    assert body["event"] == "check_in.created"
    assert body["organization_id"] == str(org.pk)
    assert body["key_result"]["id"] == str(kr.pk)
    assert body["key_result"]["title"] == "Reach 100 customers"
    assert body["key_result"]["current"] == 40 and body["key_result"]["progress"] == 0.4
    assert body["key_result"]["objective_id"] == str(okrs["objective"].pk)
    assert body["key_result"]["url"].endswith(f"/objectives/{okrs['objective'].pk}/")
    assert body["check_in"] == {
        "id": str(check_in.pk),
        "key_result_id": str(kr.pk),
        "value": 40.0,
        "confidence": "at_risk",
        "note": "Slower than hoped",
        "at": check_in.at.isoformat(),
        "author_id": str(admin.pk),
        "author_name": admin.name,
        "source": "",  # a person's check-in; a data source's names it
    }
    assert body["actor"] == {"id": str(admin.pk), "name": admin.name}


def test_objective_state_changed_carries_the_move(okrs, allow_private):
    admin, objective = okrs["admin"], okrs["objective"]
    services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/a", events=["objective.state_changed"]
    )
    okr_services.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="The market moved"
    )
    okr_services.objective_set_state(actor=admin, objective=objective, state="draft")
    first, second = sorted(_payloads("objective.state_changed"), key=lambda b: b["state"])
    assert (first["previous_state"], first["state"]) == ("draft", "abandoned")
    assert (second["previous_state"], second["state"]) == ("abandoned", "draft")
    assert first["objective"]["id"] == str(objective.pk)
    assert first["objective"]["title"] == "Ship the platform"
    assert first["actor"]["id"] == str(admin.pk)


def test_an_approval_through_alignment_is_a_state_change_too(okrs, allow_private):
    admin, objective = okrs["admin"], okrs["objective"]
    services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/a", events=["objective.state_changed"]
    )
    okr_services.objective_update(
        actor=admin, objective=objective, standalone_reason="Our own bet this quarter"
    )
    alignment_services.objective_propose(actor=admin, objective=objective)
    alignment_services.objective_approve(actor=admin, objective=objective, notify=False)
    moves = [(b["previous_state"], b["state"]) for b in _payloads("objective.state_changed")]
    assert sorted(moves) == [("draft", "proposed"), ("proposed", "approved")]


def test_weekly_update_submitted_is_told_once_per_update(okrs, allow_private):
    org, admin = okrs["org"], okrs["admin"]
    person = f.make_person(org, name="Writer")
    f.join(okrs["team"], person)
    services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/a", events=["weekly_update.submitted"]
    )
    week = date(2026, 11, 16)
    for text in ("Plan the launch", "Call three customers"):
        weekly_services.item_create(
            actor=person, person=person, week=week, category="plans", text=text
        )
    (body,) = _payloads("weekly_update.submitted")
    assert body["weekly_update"]["week"] == "2026-W47"
    assert body["weekly_update"]["person"] == {"id": str(person.pk), "name": "Writer"}
    assert body["weekly_update"]["submitted_at"]
    assert body["weekly_update"]["url"].endswith(f"/weekly/{person.pk}/2026-W47/")


def test_cycle_closed_carries_the_cycle(okrs, allow_private):
    admin, cycle = okrs["admin"], okrs["cycle"]
    services.webhook_create(actor=admin, url="http://127.0.0.1:9/a", events=["cycle.closed"])
    scoring_services.cycle_close(actor=admin, cycle=cycle)
    (body,) = _payloads("cycle.closed")
    assert body["cycle"]["id"] == str(cycle.pk) and body["cycle"]["name"] == "Q4"
    assert body["cycle"]["closed_at"] and body["cycle"]["start"] == "2026-10-01"
    assert body["objectives_closed"] == 0  # the only objective is a draft: not scored


TODAY = date(2026, 12, 31)


def test_a_kpi_leaving_its_band_is_sent_once_per_crossing(okrs, allow_private):
    admin, team = okrs["admin"], okrs["team"]
    services.webhook_create(actor=admin, url="http://127.0.0.1:9/a", events=["kpi.left_band"])
    kpi = kpi_services.kpi_create(actor=admin, unit=team, name="Uptime", band_min=99.5)
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=99.9, at=date(2026, 11, 2), today=TODAY)
    assert _payloads("kpi.left_band") == []  # healthy: nothing to tell
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=98.0, at=date(2026, 11, 9), today=TODAY)
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=97.0, at=date(2026, 11, 16), today=TODAY)
    (body,) = _payloads("kpi.left_band")  # still out: the same crossing
    assert body["event"] == "kpi.left_band" and body["organization_id"] == str(okrs["org"].pk)
    assert body["kpi"]["id"] == str(kpi.pk) and body["kpi"]["name"] == "Uptime"
    assert body["kpi"]["band"] == {"min": 99.5, "max": None} and body["kpi"]["value"] == 98.0
    assert body["kpi"]["url"].endswith(f"/kpis/{kpi.pk}/")
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=99.8, at=date(2026, 11, 23), today=TODAY)
    kpi_services.kpi_value_add(actor=admin, kpi=kpi, value=90.0, at=date(2026, 11, 30), today=TODAY)
    assert sorted(b["kpi"]["value"] for b in _payloads("kpi.left_band")) == [90.0, 98.0]


# Switching off, deleting, testing ---------------------------------------------------------


def test_switching_off_gives_up_the_waiting_deliveries_and_queues_no_more(okrs, allow_private):
    admin, kr = okrs["admin"], okrs["kr"]
    endpoint, _ = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/a", events=ALL_EVENTS
    )
    okr_services.check_in_create(actor=admin, key_result=kr, value=1, confidence="on_track")
    services.webhook_update(actor=admin, endpoint=endpoint, active=False)
    (given_up,) = WebhookDelivery.objects.all()
    assert given_up.state == "failed" and "switched off" in given_up.last_error
    okr_services.check_in_create(actor=admin, key_result=kr, value=2, confidence="on_track")
    assert WebhookDelivery.objects.count() == 1
    with pytest.raises(Conflict):
        services.webhook_test(actor=admin, endpoint=endpoint)
    services.webhook_update(actor=admin, endpoint=endpoint, active=True)
    okr_services.check_in_create(actor=admin, key_result=kr, value=3, confidence="on_track")
    assert WebhookDelivery.objects.filter(state="pending").count() == 1
    assert Event.objects.filter(kind="webhook.updated").count() == 2


def test_deleting_a_webhook_removes_its_log(okrs, allow_private):
    admin = okrs["admin"]
    endpoint, _ = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/a", events=ALL_EVENTS
    )
    services.webhook_test(actor=admin, endpoint=endpoint)
    services.webhook_delete(actor=admin, endpoint=endpoint)
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()
    assert Event.objects.filter(kind="webhook.deleted").exists()


def test_a_test_queues_a_ping(okrs, allow_private):
    admin = okrs["admin"]
    endpoint, _ = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/a", events=["cycle.closed"]
    )
    delivery = services.webhook_test(actor=admin, endpoint=endpoint)
    body = json.loads(delivery.payload)
    assert body["event"] == "ping" and body["webhook"]["id"] == str(endpoint.pk)
    assert delivery.state == "pending"


@pytest.mark.parametrize(
    "hook,listener",
    [
        ("cadence.okrs.hooks.check_in_created", "on_check_in_created"),
        ("cadence.okrs.hooks.objective_state_changed", "on_objective_state_changed"),
        ("cadence.weekly.hooks.update_submitted", "on_update_submitted"),
        ("cadence.scoring.hooks.cycle_closed", "on_cycle_closed"),
        ("cadence.scheduling.hooks.worker_turn", "worker_turn"),
    ],
)
def test_the_lower_apps_hooks_are_answered_by_integrations(hook, listener):
    import importlib

    module, _, name = hook.rpartition(".")
    assert getattr(services, listener) in getattr(importlib.import_module(module), name).listeners


def test_a_private_objective_sends_nothing_to_webhooks(okrs, allow_private):
    """Whoever reads what an endpoint receives is unknown to Cadence: a private objective's
    check-ins and moves are not sent; made open again, they are."""
    admin, kr, objective = okrs["admin"], okrs["kr"], okrs["objective"]
    services.webhook_create(actor=admin, url="http://127.0.0.1:9/a", events=ALL_EVENTS)
    okr_services.objective_update(actor=admin, objective=objective, visibility="unit")
    okr_services.check_in_create(actor=admin, key_result=kr, value=40, confidence="on_track")
    okr_services.objective_set_state(
        actor=admin, objective=objective, state="abandoned", reason="Folded into another"
    )
    assert not WebhookDelivery.objects.exists()
    okr_services.objective_update(actor=admin, objective=objective, visibility="organization")
    okr_services.objective_set_state(actor=admin, objective=objective, state="draft")
    okr_services.check_in_create(actor=admin, key_result=kr, value=50, confidence="on_track")
    assert sorted(d.event for d in WebhookDelivery.objects.all()) == [
        "check_in.created",
        "objective.state_changed",
    ]
