"""The data source API: PUT / GET / DELETE /key-results/{id}/source and POST …/source/sync
(queued for the worker, answered with the key result and its pending sync); 404 for another
organization's key result, 403 without the right to check in, 422 for bad input."""

import json

import pytest

from cadence.integrations import sources
from cadence.integrations.models import DataSource
from cadence.okrs.models import CheckIn
from cadence.orgs.services import api_token_create
from tests import factories as f


def _client(client, person):
    _, raw = api_token_create(person=person, name="t")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


def _put(client, kr, body):
    return client.put(
        f"/api/v1/key-results/{kr.pk}/source",
        data=json.dumps(body),
        content_type="application/json",
    )


@pytest.fixture
def api(client, okrs):
    return _client(client, okrs["admin"])


def test_set_read_sync_and_remove_a_source(api, okrs, data_server):
    kr = okrs["kr"]
    url = data_server.serve("/v.json", '{"total": {"count": 17}}')
    assert api.get(f"/api/v1/key-results/{kr.pk}/source").status_code == 404
    answer = _put(
        api,
        kr,
        {
            "kind": "http_json",
            "url": url,
            "path": "total.count",
            "headers": {"X-Api-Key": "very-secret"},
        },
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["kind"] == "http_json" and body["header_names"] == ["X-Api-Key"]
    assert "very-secret" not in answer.content.decode()
    assert body["pending"] is None and body["last_value"] is None
    # Sync now: queued, nothing fetched during the request.
    answer = api.post(f"/api/v1/key-results/{kr.pk}/source/sync")
    assert answer.status_code == 202, answer.content
    assert answer.json()["id"] == str(kr.pk)
    assert answer.json()["data_source"]["pending"] == "sync"
    assert data_server.hits("/v.json") == 0
    sources.worker_turn()
    assert data_server.requests[-1][1]["x-api-key"] == "very-secret"
    detail = api.get(f"/api/v1/key-results/{kr.pk}").json()
    assert detail["current"] == 17 and detail["data_source"]["last_value"] == 17
    assert detail["data_source"]["pending"] is None
    check_ins = api.get(f"/api/v1/key-results/{kr.pk}/check-ins").json()
    assert check_ins[-1]["source"] == "JSON from 127.0.0.1"
    assert check_ins[-1]["author_id"] is None
    # PUT again without headers keeps them (write-only); {} removes them.
    assert _put(api, kr, {"kind": "http_json", "url": url, "path": "total.count"}).json()[
        "header_names"
    ] == ["X-Api-Key"]
    assert (
        _put(api, kr, {"kind": "http_json", "url": url, "headers": {}}).json()["header_names"] == []
    )
    assert api.delete(f"/api/v1/key-results/{kr.pk}/source").status_code == 204
    assert not DataSource.objects.exists() and CheckIn.objects.filter(source__gt="").exists()
    assert api.post(f"/api/v1/key-results/{kr.pk}/source/sync").status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "ftp", "url": "ftp://x"}, "kind"),
        ({"kind": "http_json", "url": "file:///etc/passwd"}, "url"),
        ({"kind": "http_json"}, "url"),
        ({"kind": "csv", "url": "https://example.com/a.csv"}, "cell"),
        ({"kind": "http_json", "url": "https://example.com/", "path": "a..b"}, "path"),
        ({"kind": "sql", "connection": "nope", "query": "select 1"}, "connection"),
        ({"kind": "sql", "connection": "", "query": ""}, "connection"),
        ({"kind": "http_json", "url": "https://example.com/", "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_422(api, okrs, body, field, settings):
    settings.CADENCE_DATA_SOURCES = '{"metrics": "sqlite:////nonexistent.db"}'
    answer = _put(api, okrs["kr"], body)
    assert answer.status_code == 422, answer.content
    assert field in json.dumps(answer.json()["errors"])
    assert not DataSource.objects.exists()


def test_a_private_address_is_refused_when_the_operator_does_not_allow_it(api, okrs, settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    answer = _put(api, okrs["kr"], {"kind": "http_json", "url": "http://127.0.0.1:8000/x"})
    assert answer.status_code == 422
    assert "private or local" in answer.json()["errors"]["url"][0]


def test_another_organizations_key_result_is_404_and_a_reader_gets_403(client, okrs):
    other_org, other_admin = f.make_org("Elsewhere")
    outsider = _client(client, other_admin)
    kr = okrs["kr"]
    body = {"kind": "http_json", "url": "https://example.com/"}
    assert _put(outsider, kr, body).status_code == 404
    assert outsider.get(f"/api/v1/key-results/{kr.pk}/source").status_code == 404
    assert outsider.delete(f"/api/v1/key-results/{kr.pk}/source").status_code == 404
    assert outsider.post(f"/api/v1/key-results/{kr.pk}/source/sync").status_code == 404
    viewer = f.make_person(okrs["org"], role="viewer")
    reader = _client(client, viewer)
    assert _put(reader, kr, body).status_code == 403
    assert reader.post(f"/api/v1/key-results/{kr.pk}/source/sync").status_code == 403
    assert not DataSource.objects.exists()


def test_without_credentials_401(client, okrs):
    answer = client.put(
        f"/api/v1/key-results/{okrs['kr'].pk}/source",
        data="{}",
        content_type="application/json",
    )
    assert answer.status_code == 401
