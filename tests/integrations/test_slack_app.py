"""The optional Slack app: requests signed as Slack documents it (computed here, not with our
code), correctly, wrongly and too long ago; linking a Slack user to a person; ``/cadence``
opening its modal through "Slack's API" (a real server on 127.0.0.1); the modal's submission
checking in or adding weekly items as that person — and nothing changed by any request that is
not signed, stale, or from a user nobody linked."""

import hashlib
import hmac
import json
import re
import time
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.core import signing
from django.http import Http404

from cadence.integrations import slack_services
from cadence.integrations.models import SlackIdentity
from cadence.okrs.models import CheckIn
from cadence.weekly.models import Item
from tests import factories as f
from tests.integrations.channel_receiver import running

pytestmark = pytest.mark.django_db

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM, USER = "T0001", "U0ADA"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(datetime(2026, 11, 18, 10, 0, tzinfo=UTC), tick=True):
        yield


@pytest.fixture
def slack_api(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = True
    settings.SLACK_SIGNING_SECRET = SECRET
    settings.SLACK_BOT_TOKEN = "xoxb-test-token"
    with running(settings.SITE_URL) as r:
        settings.SLACK_API_URL = f"{r.url}/api/"
        yield r


@pytest.fixture
def ada(org, admin):
    team = f.make_unit(org, "Platform")
    person = f.make_person(org, name="Ada Lovelace")
    f.join(team, person)
    cycle = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    objective = f.make_objective(person, cycle, team, title="Ship the engine", owner=person)
    kr = f.make_kr(person, objective, title="Run 10 programs", start=0, target=10)
    return {"person": person, "kr": kr, "team": team, "cycle": cycle}


def _signed(body: str, *, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    """Slack's signature: v0= and the hex HMAC-SHA256 of "v0:<timestamp>:<body>"."""
    timestamp = str(at if at is not None else int(time.time()))
    base = f"v0:{timestamp}:{body}".encode()
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp, "HTTP_X_SLACK_SIGNATURE": f"v0={digest}"}


def _command(client, text: str = "", user: str = USER, **signing_kw):
    body = urlencode(
        {
            "command": "/cadence",
            "text": text,
            "team_id": TEAM,
            "user_id": user,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    )
    return client.post(
        "/integrations/slack/commands",
        body,
        content_type="application/x-www-form-urlencoded",
        **_signed(body, **signing_kw),
    )


def _submit(client, view: dict, user: str = USER, **signing_kw):
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": user}, "view": view}
    body = urlencode({"payload": json.dumps(payload)})
    return client.post(
        "/integrations/slack/interactions",
        body,
        content_type="application/x-www-form-urlencoded",
        **_signed(body, **signing_kw),
    )


def _check_in_view(kr_id, value="4", confidence="at_risk", note="Two more this week"):
    return {
        "callback_id": "cadence_check_in",
        "state": {
            "values": {
                "kr": {"kr": {"type": "static_select", "selected_option": {"value": str(kr_id)}}},
                "value": {"value": {"type": "plain_text_input", "value": value}},
                "confidence": {
                    "confidence": {
                        "type": "static_select",
                        "selected_option": {"value": confidence},
                    }
                },
                "note": {"note": {"type": "plain_text_input", "value": note}},
            }
        },
    }


def _link(person):
    return SlackIdentity.objects.create(
        organization=person.organization, person=person, slack_team_id=TEAM, slack_user_id=USER
    )


# Signatures ---------------------------------------------------------------------------------


def test_a_wrongly_signed_command_is_refused(client, slack_api, ada):
    _link(ada["person"])
    assert _command(client, secret="not-the-secret").status_code == 401
    assert slack_api.posts == []  # no modal opened


def test_a_stale_command_is_refused(client, slack_api, ada):
    _link(ada["person"])
    response = _command(client, at=int(time.time()) - 6 * 60)
    assert response.status_code == 401
    assert slack_api.posts == []
    assert _command(client, at=int(time.time()) - 60).status_code == 200  # recent is fine


def test_missing_or_garbage_signature_headers_are_refused(client, slack_api):
    body = "command=%2Fcadence"
    response = client.post(
        "/integrations/slack/commands", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 401
    response = client.post(
        "/integrations/slack/commands",
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_SLACK_REQUEST_TIMESTAMP="yesterday",
        HTTP_X_SLACK_SIGNATURE="v0=00",
    )
    assert response.status_code == 401


def test_without_a_signing_secret_the_app_refuses_everything(client, slack_api, settings):
    settings.SLACK_SIGNING_SECRET = ""
    assert _command(client, secret="").status_code == 401


def test_a_wrongly_signed_or_stale_submission_changes_nothing(client, slack_api, ada):
    _link(ada["person"])
    view = _check_in_view(ada["kr"].pk)
    assert _submit(client, view, secret="wrong").status_code == 401
    assert _submit(client, view, at=int(time.time()) - 3600).status_code == 401
    assert not CheckIn.objects.exists()


# Linking ------------------------------------------------------------------------------------


def test_an_unknown_user_gets_a_link_only_they_see(client, slack_api, ada):
    response = _command(client)
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_type"] == "ephemeral"
    (path,) = re.findall(r"<https?://[^/]+(/integrations/slack/link/[^/|]+/)\|", answer["text"])
    assert slack_api.posts == [] and not SlackIdentity.objects.exists()
    person = ada["person"]
    client.force_login(person)
    page = client.get(path)
    assert page.status_code == 200 and USER in page.content.decode()
    assert not SlackIdentity.objects.exists()  # opening the link is not linking
    assert client.post(path).status_code == 302
    identity = SlackIdentity.objects.get()
    assert (identity.person, identity.slack_team_id, identity.slack_user_id) == (
        person,
        TEAM,
        USER,
    )
    # Someone else given the same link cannot take the Slack user over.
    other = f.make_person(ada["team"].organization)
    client.force_login(other)
    client.post(path)
    assert SlackIdentity.objects.get().person == person
    # Unlinking from the account page.
    client.force_login(person)
    assert "U0ADA" in client.get("/integrations/slack/account/").content.decode()
    client.post("/integrations/slack/account/")
    assert not SlackIdentity.objects.exists()


def test_an_expired_or_made_up_link_is_404(client, ada):
    client.force_login(ada["person"])
    assert client.get("/integrations/slack/link/not-a-token/").status_code == 404
    with time_machine.travel(datetime(2026, 11, 18, 9, 0, tzinfo=UTC), tick=False):
        old = slack_services.link_token(TEAM, USER)
    assert client.post(f"/integrations/slack/link/{old}/").status_code == 404
    forged = signing.dumps({"t": TEAM, "u": USER}, salt="another-salt", compress=True)
    assert client.post(f"/integrations/slack/link/{forged}/").status_code == 404
    assert not SlackIdentity.objects.exists()


# The modal ----------------------------------------------------------------------------------


def test_a_linked_user_gets_the_check_in_modal(client, slack_api, ada):
    _link(ada["person"])
    response = _command(client)
    assert response.status_code == 200 and response.content == b""
    (call,) = slack_api.posts
    assert call.path == "/api/views.open"
    assert call.headers["authorization"] == "Bearer xoxb-test-token"
    sent = call.json
    assert sent["trigger_id"] == "13345224609.738474920.8088930838d88f008e0"
    view = sent["view"]
    assert (view["type"], view["callback_id"]) == ("modal", "cadence_check_in")
    options = view["blocks"][0]["element"]["options"]
    assert options == [
        {
            "text": {"type": "plain_text", "text": "Run 10 programs — Ship the engine"},
            "value": str(ada["kr"].pk),
        }
    ]
    assert len(view["title"]["text"]) <= 24


def test_the_weekly_modal_offers_the_update_s_categories(client, slack_api, ada):
    _link(ada["person"])
    _command(client, text="weekly")
    (call,) = slack_api.posts
    view = call.json["view"]
    assert view["callback_id"] == "cadence_weekly"
    values = [o["value"] for o in view["blocks"][0]["element"]["options"]]
    assert values[:3] == ["plans", "progress", "problems"]


def test_when_slack_refuses_the_modal_the_user_is_told(client, slack_api, ada):
    _link(ada["person"])
    slack_api.api_answer = {"ok": False, "error": "expired_trigger_id"}
    answer = _command(client).json()
    assert answer["response_type"] == "ephemeral" and "expired_trigger_id" in answer["text"]


def test_the_slack_api_address_obeys_the_outbound_rules(client, slack_api, ada, settings):
    _link(ada["person"])
    settings.ALLOW_PRIVATE_OUTBOUND = False
    answer = _command(client).json()
    assert "could not open the form (OutboundRefused)" in answer["text"]
    assert slack_api.posts == []


# Submissions --------------------------------------------------------------------------------


def test_a_submitted_check_in_is_written_as_the_linked_person(client, slack_api, ada):
    _link(ada["person"])
    response = _submit(client, _check_in_view(ada["kr"].pk))
    assert response.status_code == 200 and response.content == b""
    check_in = CheckIn.objects.get()
    assert (check_in.value, check_in.confidence, check_in.note) == (
        4,
        "at_risk",
        "Two more this week",
    )
    assert check_in.author == ada["person"]


def test_a_bad_value_is_shown_in_the_modal(client, slack_api, ada):
    _link(ada["person"])
    answer = _submit(client, _check_in_view(ada["kr"].pk, value="lots")).json()
    assert answer == {
        "response_action": "errors",
        "errors": {"value": "Enter a number, such as 42 or 3.5."},
    }
    assert not CheckIn.objects.exists()


def test_an_unknown_user_s_submission_changes_nothing(client, slack_api, ada):
    _link(ada["person"])
    answer = _submit(client, _check_in_view(ada["kr"].pk), user="U0EVE").json()
    assert answer["response_action"] == "errors"
    assert not CheckIn.objects.exists()


def test_another_organizations_key_result_cannot_be_checked_in(client, slack_api, ada, outsider):
    _link(outsider)
    answer = _submit(client, _check_in_view(ada["kr"].pk)).json()
    assert answer["errors"] == {"kr": "That key result is not there any more."}
    assert not CheckIn.objects.exists()


def test_a_member_cannot_check_in_on_a_key_result_they_may_not_change(client, slack_api, ada, org):
    stranger = f.make_person(org, name="Sam Stranger")
    f.join(f.make_unit(org, "Elsewhere"), stranger)
    _link(stranger)
    answer = _submit(client, _check_in_view(ada["kr"].pk)).json()
    assert answer["response_action"] == "errors"
    assert not CheckIn.objects.exists()


def test_submitted_weekly_items_join_this_week_s_update(client, slack_api, ada):
    _link(ada["person"])
    view = {
        "callback_id": "cadence_weekly",
        "state": {
            "values": {
                "category": {
                    "category": {"type": "static_select", "selected_option": {"value": "plans"}}
                },
                "items": {
                    "items": {"type": "plain_text_input", "value": "Review the loom\n\nOil it\n"}
                },
            }
        },
    }
    assert _submit(client, view).status_code == 200
    items = list(Item.objects.order_by("position", "created_at"))
    assert [i.text for i in items] == ["Review the loom", "Oil it"]
    assert {i.category.slug for i in items} == {"plans"}
    assert items[0].update.person == ada["person"]
    assert items[0].update.week == date(2026, 11, 16)
    # Not signed: nothing more.
    assert _submit(client, view, secret="wrong").status_code == 401
    assert Item.objects.count() == 2


def test_the_link_expires(ada):
    token = slack_services.link_token(TEAM, USER)
    assert slack_services.link_read(token) == (TEAM, USER)
    later = datetime.now(UTC) + timedelta(minutes=16)
    with time_machine.travel(later, tick=False), pytest.raises(Http404, match="not valid"):
        slack_services.link_read(token)


def test_erasing_a_person_removes_their_slack_link(ada, admin):
    from cadence.orgs import person_services

    _link(ada["person"])
    person = person_services.person_deactivate(actor=admin, person=ada["person"])
    assert slack_services.person_for(TEAM, USER) is None  # a leaver's Slack user acts as nobody
    assert SlackIdentity.objects.exists()
    person_services.person_erase(actor=admin, person=person)
    assert not SlackIdentity.objects.exists()
    assert slack_services.person_for(TEAM, USER) is None
