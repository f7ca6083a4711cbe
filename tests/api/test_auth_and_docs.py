"""Who may call the API, and its OpenAPI document and interactive docs."""

import pytest
from django.test import Client

from cadence.orgs import services as org_services
from tests.api.conftest import Api, errors_of

CONTRACT = {
    "/api/v1/me": {"get"},
    "/api/v1/units": {"get"},
    "/api/v1/cycles": {"get", "post"},
    "/api/v1/objectives": {"get", "post"},
    "/api/v1/objectives/{objective_id}": {"get", "patch", "delete"},
    "/api/v1/objectives/{objective_id}/key-results": {"post"},
    "/api/v1/key-results/{key_result_id}": {"get", "patch", "delete"},
    "/api/v1/key-results/{key_result_id}/check-ins": {"get", "post"},
}

# Every route, with a body that would be valid for the method where one is needed.
ROUTES = [
    ("get", "/me"),
    ("get", "/units"),
    ("get", "/cycles"),
    ("post", "/cycles"),
    ("get", "/objectives"),
    ("post", "/objectives"),
    ("get", "/objectives/{objective}"),
    ("patch", "/objectives/{objective}"),
    ("delete", "/objectives/{objective}"),
    ("get", "/objectives/{objective}/key-results"),
    ("post", "/objectives/{objective}/key-results"),
    ("get", "/key-results/{kr}"),
    ("patch", "/key-results/{kr}"),
    ("delete", "/key-results/{kr}"),
    ("get", "/key-results/{kr}/check-ins"),
    ("post", "/key-results/{kr}/check-ins"),
]


@pytest.mark.parametrize("method,route", ROUTES)
def test_every_route_needs_credentials(anonymous_api, objective, kr, method, route):
    path = route.format(objective=objective.pk, kr=kr.pk)
    response = anonymous_api.call(method, path, {"title": "Sneaky"})
    assert response.status_code == 401, (method, path, response.content)
    assert response["WWW-Authenticate"].startswith("Bearer")
    errors_of(response)
    objective.refresh_from_db()
    assert objective.title == "Customers love the product"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cad_not-a-real-token",
        "Bearer ",
        "Bearer " + "cad_" + "x" * 200,
        "Token cad_abc",
        "Basic YWRtaW46cGFzcw==",
        "cad_abc",
    ],
)
def test_bad_tokens_are_401(db, header):
    response = Api().get("/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert errors_of(response) == {}
    assert "Bearer" in response.json()["message"]


def test_token_authenticates_its_person(admin, admin_api):
    response = admin_api.get("/me")
    assert response.status_code == 200
    assert response.json()["email"] == admin.email


def test_revoked_token_is_401(admin):
    token, secret = org_services.api_token_create(person=admin)
    assert Api(admin, secret).get("/me").status_code == 200
    org_services.api_token_revoke(person=admin, token_id=token.pk)
    assert Api(admin, secret).get("/me").status_code == 401


def test_deactivated_person_token_is_401(member):
    api = Api(member)
    assert api.get("/me").status_code == 200
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert api.get("/me").status_code == 401


def test_tokens_are_stored_hashed(admin):
    token, secret = org_services.api_token_create(person=admin)
    assert secret.startswith("cad_")
    assert secret not in (token.token_hash, token.prefix)
    assert len(token.token_hash) == 64


def test_session_reads_and_needs_csrf_to_write(admin, cycle, plain_static):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    assert client.get("/api/v1/me").json()["email"] == admin.email

    body = {"name": "Session cycle", "kind": "custom", "start": "2027-01-01", "end": "2027-02-01"}
    refused = client.post("/api/v1/cycles", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["message"]

    client.get("/api/v1/docs")  # sets the CSRF cookie, as a browser opening the docs would
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        "/api/v1/cycles", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["name"] == "Session cycle"


def test_token_writes_need_no_csrf(admin, admin_api):
    body = {"name": "Token cycle", "kind": "custom", "start": "2027-01-01", "end": "2027-02-01"}
    assert admin_api.post("/cycles", body).status_code == 201


def test_openapi_lists_every_contract_path_and_the_bearer_scheme(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    for path, methods in CONTRACT.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), (path, set(schema["paths"][path]))
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerToken"].items()
    operation = schema["paths"]["/api/v1/objectives"]["get"]
    assert {"BearerToken": []} in operation["security"]
    assert "422" in schema["paths"]["/api/v1/objectives"]["post"]["responses"]


def test_interactive_docs_page_loads(client, plain_static):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()
    assert b"/api/v1/openapi.json" in response.content
