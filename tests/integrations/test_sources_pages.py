"""The pages of data sources: a key result's source page (set, Test, Sync now — queued, never
fetched during the request — the last result or error, remove), the objective page's marker,
and the section of Settings → Integrations with the daily hour."""

import json

import pytest

from cadence.integrations import sources
from cadence.integrations.models import DataSource, SourceSettings
from cadence.okrs.models import CheckIn
from tests import factories as f


@pytest.fixture
def admin_client(client, okrs):
    client.force_login(okrs["admin"])
    return client


def test_set_test_and_sync_from_the_key_results_page(admin_client, okrs, data_server):
    kr = okrs["kr"]
    page = f"/key-results/{kr.pk}/source/"
    assert "Set a source" in admin_client.get(page).content.decode()
    url = data_server.serve("/n.json", json.dumps({"n": 61}))
    response = admin_client.post(
        page,
        {
            "kind": "http_json",
            "url": url,
            "path": "n",
            "headers": "X-Key: hidden-value",
            "active": "on",
        },
    )
    assert response.status_code == 302
    source = DataSource.objects.get()
    assert source.headers == {"X-Key": "hidden-value"}
    shown = admin_client.get(page).content.decode()
    assert "X-Key" in shown and "hidden-value" not in shown
    # Test: queued, not fetched during the request; the worker's turn finds the value.
    admin_client.post(f"{page}sync/", {"what": "test"})
    assert data_server.hits("/n.json") == 0
    assert "A test is queued" in admin_client.get(page).content.decode()
    sources.worker_turn()
    assert "Found 61." in admin_client.get(page).content.decode()
    assert not CheckIn.objects.exists()
    # Sync now: a check-in from the source, shown in the objective's history.
    admin_client.post(f"{page}sync/", {"what": "sync"})
    assert data_server.hits("/n.json") == 1
    sources.worker_turn()
    assert CheckIn.objects.get().value == 61
    objective_page = admin_client.get(f"/objectives/{okrs['objective'].pk}/").content.decode()
    assert "Updated from JSON from 127.0.0.1" in objective_page
    assert "from JSON from 127.0.0.1" in objective_page  # the check-in's history line
    # Saving again without headers keeps them.
    admin_client.post(page, {"kind": "http_json", "url": url, "path": "n", "active": "on"})
    source.refresh_from_db()
    assert source.headers == {"X-Key": "hidden-value"}


def test_a_failing_source_shows_on_the_key_result(admin_client, okrs, data_server):
    url = data_server.serve("/gone.json", "", status=404)
    sources.data_source_set(actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url)
    sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="sync")
    sources.worker_turn()
    objective_page = admin_client.get(f"/objectives/{okrs['objective'].pk}/").content.decode()
    assert "Sync failing" in objective_page and "The address answered 404." in objective_page
    page = admin_client.get(f"/key-results/{okrs['kr'].pk}/source/").content.decode()
    assert "The last sync failed" in page and "The address answered 404." in page


def test_bad_input_is_said_at_the_field(admin_client, okrs, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    page = f"/key-results/{okrs['kr'].pk}/source/"
    response = admin_client.post(page, {"kind": "http_json", "url": "http://10.0.0.1/x"})
    assert response.status_code == 422
    assert "private or local address" in response.content.decode()
    response = admin_client.post(page, {"kind": "csv", "url": "https://example.com/a.csv"})
    assert response.status_code == 422 and "Name a cell" in response.content.decode()
    assert not DataSource.objects.exists()


def test_readers_see_the_state_but_cannot_change_it(client, okrs, data_server):
    url = data_server.serve("/n.json", "1")
    sources.data_source_set(actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url)
    viewer = f.make_person(okrs["org"], role="viewer")
    client.force_login(viewer)
    page = f"/key-results/{okrs['kr'].pk}/source/"
    content = client.get(page).content.decode()
    assert "JSON from 127.0.0.1" in content and "Save the source" not in content
    assert client.post(page, {"kind": "csv", "url": url, "cell": "A1"}).status_code == 403
    assert client.post(f"{page}sync/", {"what": "sync"}).status_code == 403
    assert client.post(f"{page}delete/").status_code == 403
    assert DataSource.objects.get().requested == ""


def test_remove_keeps_the_check_ins(admin_client, okrs, data_server):
    url = data_server.serve("/n.json", "5")
    sources.data_source_set(actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url)
    sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="sync")
    sources.worker_turn()
    assert admin_client.get(f"/key-results/{okrs['kr'].pk}/source/delete/").status_code == 405
    admin_client.post(f"/key-results/{okrs['kr'].pk}/source/delete/")
    assert not DataSource.objects.exists() and CheckIn.objects.get().source


def test_the_integrations_page_lists_sources_and_sets_the_hour(
    admin_client, client, okrs, data_server
):
    url = data_server.serve("/n.json", "5")
    source = sources.data_source_set(
        actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url
    )
    page = admin_client.get("/settings/integrations/").content.decode()
    assert "Data sources" in page and okrs["kr"].title in page and "JSON from 127.0.0.1" in page
    response = admin_client.post("/settings/integrations/sources/hour/", {"sync_hour": "22"})
    assert response.status_code == 302
    assert SourceSettings.objects.get(organization=okrs["org"]).sync_hour == 22
    source.refresh_from_db()
    assert source.next_run_at.hour == 22  # the organization's time zone is UTC
    member = f.make_person(okrs["org"])
    client.force_login(member)
    assert (
        client.post("/settings/integrations/sources/hour/", {"sync_hour": "3"}).status_code == 403
    )
    assert SourceSettings.objects.get(organization=okrs["org"]).sync_hour == 22


def test_switch_off_and_on_from_the_integrations_page(admin_client, okrs, data_server):
    url = data_server.serve("/n.json", "5")
    source = sources.data_source_set(
        actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url
    )
    active = f"/key-results/{okrs['kr'].pk}/source/active/"
    response = admin_client.post(active, {"back": "integrations"})
    assert response.status_code == 302 and response["Location"] == "/settings/integrations/"
    source.refresh_from_db()
    assert not source.active
    page = admin_client.get("/settings/integrations/").content.decode()
    assert "Switched off" in page and "Switch on" in page
    # Switched off: not synced at its hour.
    assert sources.sources_sync_due(now=source.next_run_at).recorded == 0
    admin_client.post(active, {"active": "on"})
    source.refresh_from_db()
    assert source.active
    assert sources.sources_sync_due(now=source.next_run_at).recorded == 1
