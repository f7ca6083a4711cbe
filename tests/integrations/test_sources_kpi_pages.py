"""A KPI's data source on the pages and in the API: the KPI's source page (set, Test, Sync now —
queued, never fetched during the request — the state, switch off, remove), the KPI page's
"Updated from" and its history's "from <source>", Settings → Integrations listing it; and
``GET|PUT|DELETE /kpis/{id}/source``, ``POST …/source/sync`` and ``…/source/test``."""

import json

import pytest

from cadence.integrations import sources
from cadence.integrations.models import DataSource
from cadence.kpis import services as kpi_services
from cadence.kpis.models import KpiValue
from cadence.orgs.models import Membership
from cadence.orgs.services import api_token_create
from tests import factories as f


@pytest.fixture
def kpis(okrs):
    org, team = okrs["org"], okrs["team"]
    lead = f.make_person(org, name="Lena Lead")
    f.join(team, lead, Membership.Role.LEAD)
    member = f.make_person(org, name="Mo Member")
    f.join(team, member)
    kpi = kpi_services.kpi_create(actor=lead, unit=team, name="Open bugs", band_max=40)
    return {**okrs, "lead": lead, "member": member, "kpi": kpi}


@pytest.fixture
def member_client(client, kpis):
    client.force_login(kpis["member"])
    return client


def _api(client, person):
    _, raw = api_token_create(person=person, name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def _put(client, kpi, body):
    return client.put(
        f"/api/v1/kpis/{kpi.pk}/source", data=json.dumps(body), content_type="application/json"
    )


def test_set_test_and_sync_from_the_kpis_source_page(member_client, kpis, data_server):
    kpi = kpis["kpi"]
    detail = member_client.get(f"/kpis/{kpi.pk}/").content.decode()
    page = f"/kpis/{kpi.pk}/source/"
    assert f'href="{page}"' in detail  # offered to those who enter its values
    content = member_client.get(page).content.decode()
    assert "Set a source" in content and "Open bugs" in content
    assert "The KPI updates itself" in content
    url = data_server.serve("/bugs.json", json.dumps({"open": 44}))
    response = member_client.post(
        page,
        {"kind": "http_json", "url": url, "path": "open", "headers": "X-Key: k3y", "active": "on"},
    )
    assert response.status_code == 302 and response["Location"] == page
    source = DataSource.objects.get()
    assert (source.kpi, source.key_result, source.configured_by) == (kpi, None, kpis["member"])
    shown = member_client.get(page).content.decode()
    assert "X-Key" in shown and "k3y" not in shown
    # Test: queued, not fetched during the request; the worker's turn finds the value.
    member_client.post(f"{page}sync/", {"what": "test"})
    assert data_server.hits("/bugs.json") == 0
    assert "A test is queued" in member_client.get(page).content.decode()
    sources.worker_turn()
    assert "Found 44." in member_client.get(page).content.decode()
    assert not KpiValue.objects.exists()
    # Sync now: a value from the source; the KPI leaves its band (≤ 40).
    member_client.post(f"{page}sync/", {"what": "sync"})
    sources.worker_turn()
    value = KpiValue.objects.get()
    assert (value.value, value.source, value.entered_by) == (44, "JSON from 127.0.0.1", None)
    detail = member_client.get(f"/kpis/{kpi.pk}/").content.decode()
    assert "Updated from JSON from 127.0.0.1" in detail
    assert "from JSON from 127.0.0.1</span></td>" in detail  # the history's line
    assert "Unhealthy" in detail
    # Switch off, on, and remove: the value stays.
    member_client.post(f"{page}active/")
    assert not DataSource.objects.get().active
    assert "(switched off)" in member_client.get(f"/kpis/{kpi.pk}/").content.decode()
    member_client.post(f"{page}active/", {"active": "on"})
    assert DataSource.objects.get().active
    assert member_client.get(f"{page}delete/").status_code == 405
    response = member_client.post(f"{page}delete/")
    assert response.status_code == 302
    assert not DataSource.objects.exists() and KpiValue.objects.get().source
    assert f'href="{page}"' in member_client.get(f"/kpis/{kpi.pk}/").content.decode()


def test_a_failing_source_shows_on_the_kpi(member_client, kpis, data_server):
    kpi = kpis["kpi"]
    url = data_server.serve("/gone.json", "", status=404)
    sources.data_source_set(actor=kpis["member"], kpi=kpi, kind="http_json", url=url)
    sources.data_source_request(actor=kpis["member"], kpi=kpi, what="sync")
    sources.worker_turn()
    detail = member_client.get(f"/kpis/{kpi.pk}/").content.decode()
    assert "Sync failing" in detail and "The address answered 404." in detail
    page = member_client.get(f"/kpis/{kpi.pk}/source/").content.decode()
    assert "The last sync failed" in page and "The address answered 404." in page


def test_bad_input_is_said_at_the_field(member_client, kpis, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    page = f"/kpis/{kpis['kpi'].pk}/source/"
    response = member_client.post(page, {"kind": "http_json", "url": "http://10.0.0.1/x"})
    assert response.status_code == 422
    assert "private or local address" in response.content.decode()
    assert not DataSource.objects.exists()


def test_readers_see_the_state_but_cannot_change_it(client, kpis, data_server):
    kpi = kpis["kpi"]
    url = data_server.serve("/n.json", "1")
    sources.data_source_set(actor=kpis["member"], kpi=kpi, kind="http_json", url=url)
    viewer = f.make_person(kpis["org"], role="viewer")
    client.force_login(viewer)
    page = f"/kpis/{kpi.pk}/source/"
    content = client.get(page).content.decode()
    assert "JSON from 127.0.0.1" in content and "Save the source" not in content
    assert "Sync now" not in content
    assert client.post(page, {"kind": "csv", "url": url, "cell": "A1"}).status_code == 403
    assert client.post(f"{page}sync/", {"what": "sync"}).status_code == 403
    assert client.post(f"{page}active/").status_code == 403
    assert client.post(f"{page}delete/").status_code == 403
    source = DataSource.objects.get()
    assert (source.kind, source.requested, source.active) == ("http_json", "", True)


def test_an_archived_kpis_page_offers_no_changes(member_client, kpis, data_server):
    kpi = kpis["kpi"]
    url = data_server.serve("/n.json", "1")
    sources.data_source_set(actor=kpis["member"], kpi=kpi, kind="http_json", url=url)
    kpi_services.kpi_archive(actor=kpis["lead"], kpi=kpi)
    page = f"/kpis/{kpi.pk}/source/"
    content = member_client.get(page).content.decode()
    assert "Save the source" not in content and "Sync now" not in content
    member_client.post(f"{page}sync/", {"what": "sync"})
    assert "archived" in member_client.get(page).content.decode()
    assert DataSource.objects.get().requested == ""


def test_the_integrations_page_lists_kpi_sources(client, kpis, data_server):
    url = data_server.serve("/n.json", "5")
    sources.data_source_set(actor=kpis["admin"], key_result=kpis["kr"], kind="http_json", url=url)
    sources.data_source_set(actor=kpis["member"], kpi=kpis["kpi"], kind="http_json", url=url)
    client.force_login(kpis["admin"])
    page = client.get("/settings/integrations/").content.decode()
    assert kpis["kr"].title in page and "Open bugs" in page and "KPI of Platform" in page
    assert f"/kpis/{kpis['kpi'].pk}/source/active/" in page
    assert page.index(kpis["kr"].title) < page.index("Open bugs")  # key results first
    response = client.post(f"/kpis/{kpis['kpi'].pk}/source/active/", {"back": "integrations"})
    assert response["Location"] == "/settings/integrations/"
    assert not DataSource.objects.get(kpi=kpis["kpi"]).active


# The API ------------------------------------------------------------------------------------


def test_set_read_sync_test_and_remove_a_kpis_source(client, kpis, data_server):
    api = _api(client, kpis["member"])
    kpi = kpis["kpi"]
    url = data_server.serve("/v.json", '{"total": {"count": 17}}')
    assert api.get(f"/api/v1/kpis/{kpi.pk}/source").status_code == 404
    assert api.post(f"/api/v1/kpis/{kpi.pk}/source/sync").status_code == 409
    answer = _put(
        api,
        kpi,
        {"kind": "http_json", "url": url, "path": "total.count", "headers": {"X-Api-Key": "s"}},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["kind"] == "http_json" and body["header_names"] == ["X-Api-Key"]
    assert body["configured_by_id"] == str(kpis["member"].pk)
    # Test: queued, nothing recorded.
    answer = api.post(f"/api/v1/kpis/{kpi.pk}/source/test")
    assert answer.status_code == 202 and answer.json()["pending"] == "test"
    sources.worker_turn()
    assert api.get(f"/api/v1/kpis/{kpi.pk}/source").json()["test_result"] == "Found 17."
    assert not KpiValue.objects.exists()
    # Sync now: queued, nothing fetched during the request.
    answer = api.post(f"/api/v1/kpis/{kpi.pk}/source/sync")
    assert answer.status_code == 202 and answer.json()["pending"] == "sync"
    assert data_server.hits("/v.json") == 1  # the test's
    sources.worker_turn()
    assert api.get(f"/api/v1/kpis/{kpi.pk}").json()["current_value"] == 17
    values = api.get(f"/api/v1/kpis/{kpi.pk}/values").json()
    assert [(v["value"], v["source"], v["entered_by_id"]) for v in values] == [
        (17, "JSON from 127.0.0.1", None)
    ]
    assert api.get(f"/api/v1/kpis/{kpi.pk}/source").json()["last_value"] == 17
    # A value entered by hand names its person and no source.
    api.post(f"/api/v1/kpis/{kpi.pk}/values", data={"value": 18}, content_type="application/json")
    last = api.get(f"/api/v1/kpis/{kpi.pk}/values").json()[-1]
    assert (last["source"], last["entered_by_id"]) == ("", str(kpis["member"].pk))
    assert api.delete(f"/api/v1/kpis/{kpi.pk}/source").status_code == 204
    assert not DataSource.objects.exists() and KpiValue.objects.count() == 2
    assert api.post(f"/api/v1/kpis/{kpi.pk}/source/test").status_code == 409


def test_the_key_results_test_route(client, kpis, data_server):
    api = _api(client, kpis["admin"])
    kr = kpis["kr"]
    assert api.post(f"/api/v1/key-results/{kr.pk}/source/test").status_code == 409
    url = data_server.serve("/v.json", "3")
    sources.data_source_set(actor=kpis["admin"], key_result=kr, kind="http_json", url=url)
    answer = api.post(f"/api/v1/key-results/{kr.pk}/source/test")
    assert answer.status_code == 202 and answer.json()["pending"] == "test"
    sources.worker_turn()
    assert api.get(f"/api/v1/key-results/{kr.pk}/source").json()["test_result"] == "Found 3."


def test_another_organizations_kpi_is_404_a_reader_403_an_archived_kpi_409(client, kpis):
    kpi = kpis["kpi"]
    body = {"kind": "http_json", "url": "https://example.com/"}
    _, other_admin = f.make_org("Elsewhere")
    outsider = _api(client, other_admin)
    assert _put(outsider, kpi, body).status_code == 404
    for method, path in (
        ("get", ""),
        ("delete", ""),
        ("post", "/sync"),
        ("post", "/test"),
    ):
        answer = getattr(outsider, method)(f"/api/v1/kpis/{kpi.pk}/source{path}")
        assert answer.status_code == 404, (method, path)
    viewer = f.make_person(kpis["org"], role="viewer")
    reader = _api(client, viewer)
    assert _put(reader, kpi, body).status_code == 403
    assert reader.post(f"/api/v1/kpis/{kpi.pk}/source/sync").status_code == 403
    assert not DataSource.objects.exists()
    kpi_services.kpi_archive(actor=kpis["lead"], kpi=kpi)
    member = _api(client, kpis["member"])
    answer = _put(member, kpi, body)
    assert answer.status_code == 409 and "archived" in answer.json()["message"]


def test_bad_input_is_422(client, kpis):
    api = _api(client, kpis["member"])
    answer = _put(api, kpis["kpi"], {"kind": "csv", "url": "https://example.com/a.csv"})
    assert answer.status_code == 422 and "cell" in answer.json()["errors"]
    assert not DataSource.objects.exists()
