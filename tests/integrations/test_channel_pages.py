"""A unit's channels page (its leads and admins; others see nothing), the buttons of each
channel, and the channels' section of Settings → Integrations."""

from datetime import UTC, datetime

import pytest

from cadence.integrations import channel_services
from cadence.integrations.models import ChannelConnection, ChannelPost
from tests import factories as f
from tests.integrations.channel_receiver import running

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiver(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = True
    with running(settings.SITE_URL) as r:
        yield r


@pytest.fixture
def team(org):
    return f.make_unit(org, "Platform")


@pytest.fixture
def lead(org, team):
    person = f.make_person(org, name="Lena Lead")
    f.join(team, person, "lead")
    return person


def _add(client, team, receiver, **extra):
    data = {
        "kind": "slack",
        "label": "#platform",
        "url": receiver.slack_url(),
        "messages": ["digest", "reminders"],
        **extra,
    }
    return client.post(f"/units/{team.pk}/channels/", data)


def test_a_lead_connects_a_channel_from_the_unit_page(client, team, lead, receiver):
    client.force_login(lead)
    unit_page = client.get(f"/units/{team.pk}/").content.decode()
    assert f'href="/units/{team.pk}/channels/"' in unit_page
    page = client.get(f"/units/{team.pk}/channels/")
    assert page.status_code == 200 and "Connect a channel" in page.content.decode()
    response = _add(client, team, receiver)
    assert response.status_code == 302
    channel = ChannelConnection.objects.get()
    assert (channel.unit, channel.kind, channel.label) == (team, "slack", "#platform")
    assert channel.messages == ["digest", "reminders"]
    page = client.get(f"/units/{team.pk}/channels/").content.decode()
    assert "#platform" in page and "127.0.0.1" in page
    assert "secrethookpath" not in page  # the address itself is not shown again


def test_a_bad_address_is_shown_at_its_field(client, team, lead, receiver, settings):
    client.force_login(lead)
    settings.ALLOW_PRIVATE_OUTBOUND = False
    response = _add(client, team, receiver)
    assert response.status_code == 422
    assert "private or local address" in response.content.decode()
    assert not ChannelConnection.objects.exists()


def test_members_see_nothing_and_change_nothing(client, org, team, lead, receiver):
    channel = channel_services.channel_create(
        actor=lead, unit=team, kind="teams", url=receiver.teams_url(), messages=["digest"]
    )
    member = f.make_person(org)
    f.join(team, member)
    client.force_login(member)
    assert f"/units/{team.pk}/channels/" not in client.get(f"/units/{team.pk}/").content.decode()
    assert client.get(f"/units/{team.pk}/channels/").status_code == 403
    assert _add(client, team, receiver).status_code == 403
    base = f"/settings/integrations/channels/{channel.pk}"
    for action in ("test", "active", "delete"):
        assert client.post(f"{base}/{action}/").status_code == 403
    channel.refresh_from_db()
    assert channel.active and not ChannelPost.objects.exists()


def test_the_buttons_test_switch_and_remove(client, team, lead, receiver):
    channel = channel_services.channel_create(
        actor=lead, unit=team, kind="slack", url=receiver.slack_url(), messages=["digest"]
    )
    client.force_login(lead)
    base = f"/settings/integrations/channels/{channel.pk}"
    assert client.get(f"{base}/test/").status_code == 405
    response = client.post(f"{base}/test/")
    assert response.status_code == 302 and response["Location"] == f"/units/{team.pk}/channels/"
    assert ChannelPost.objects.get().message == "test"
    channel_services.worker_turn(now=datetime.now(UTC))
    assert len(receiver.posts) == 1 and receiver.posts[0].problems == []
    page = client.get(f"/units/{team.pk}/channels/").content.decode()
    assert "Recent messages" in page and "Posted" in page
    client.post(f"{base}/active/")  # no "active": switched off
    channel.refresh_from_db()
    assert not channel.active
    client.post(f"{base}/active/", {"active": "on"})
    channel.refresh_from_db()
    assert channel.active
    client.post(f"{base}/delete/")
    assert not ChannelConnection.objects.exists()


def test_settings_lists_every_channel_of_the_organization(client, admin, team, lead, receiver):
    channel_services.channel_create(
        actor=lead, unit=team, kind="teams", url=receiver.teams_url(), messages=["alerts"],
        label="Platform channel",
    )  # fmt: skip
    client.force_login(admin)
    page = client.get("/settings/integrations/").content.decode()
    assert "Slack and Teams channels" in page
    assert "Platform channel" in page and f'href="/units/{team.pk}/channels/"' in page
    channel = ChannelConnection.objects.get()
    response = client.post(
        f"/settings/integrations/channels/{channel.pk}/test/", {"back": "settings"}
    )
    assert response["Location"] == "/settings/integrations/"


def test_another_organizations_unit_and_channel_are_404(client, team, lead, receiver, outsider):
    channel = channel_services.channel_create(
        actor=lead, unit=team, kind="slack", url=receiver.slack_url(), messages=["digest"]
    )
    client.force_login(outsider)
    assert client.get(f"/units/{team.pk}/channels/").status_code == 404
    assert _add(client, team, receiver).status_code == 404
    for action in ("test", "active", "delete"):
        response = client.post(f"/settings/integrations/channels/{channel.pk}/{action}/")
        assert response.status_code == 404
    assert ChannelConnection.objects.filter(active=True).count() == 1
    assert not ChannelPost.objects.exists()
