"""The OpenAPI document tells the truth: one schema per name, nullable exactly where null is
accepted, text bounds (no NUL, not blank, lengths) where the server keeps them, and each error
status described. tests/contract/run_schemathesis.py checks the rest against a served demo."""

import importlib
import pkgutil
from datetime import date

import pytest
from pydantic import BaseModel

import cadence.api
import cadence.api.routers
from cadence.api.urls import api
from cadence.core.limits import MAX_REQUEST_LINE
from cadence.weekly import services as weekly_services
from tests.api.conftest import errors_of


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix="")


def _schemas(document) -> dict:
    return document["components"]["schemas"]


def _api_modules():
    yield cadence.api
    for package in (cadence.api, cadence.api.routers):
        for info in pkgutil.iter_modules(package.__path__):
            yield importlib.import_module(f"{package.__name__}.{info.name}")


def test_every_schema_name_is_one_class():
    # Two classes of one name share one entry in the document: the second one's fields are
    # described with the first one's (a comment body was documented as ``comment``, not ``text``).
    classes: dict[str, set] = {}
    for module in _api_modules():
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                classes.setdefault(value.__name__, set()).add(value)
    shared = {name: found for name, found in classes.items() if len(found) > 1}
    assert not shared, shared


def _body(document, method: str, path: str) -> dict:
    ref = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return _schemas(document)[ref["$ref"].rsplit("/", 1)[1]]


def test_a_comment_body_is_documented_as_the_server_reads_it(document, admin_api, objective):
    body = _body(document, "post", "/objectives/{objective_id}/comments")
    assert body["required"] == ["text"] and set(body["properties"]) == {"text"}
    response = admin_api.post(f"/objectives/{objective.pk}/comments", {"text": "Looks right"})
    assert response.status_code == 201, response.content
    approval = _body(document, "post", "/objectives/{objective_id}/approve")
    assert set(approval["properties"]) == {"comment"}
    returning = _body(document, "post", "/objectives/{objective_id}/return")
    assert returning["required"] == ["comment"]


def _nullable(prop: dict) -> bool:
    return any(option.get("type") == "null" for option in prop.get("anyOf", []))


# Messages that say a value's type was refused (as opposed to a rule about its value).
TYPE_REFUSALS = ("Enter text.", "Enter a number.", "Enter a valid id.", "Input should be")


@pytest.fixture
def patchable(admin, member, cycle, team, objective, kr):
    item = weekly_services.item_create(
        actor=member, person=member, week=date(2026, 11, 23), category="plans", text="Plan"
    )
    category = weekly_services.category_create(actor=admin, name="Ideas", unit=team)
    return {
        "/objectives/{objective_id}": f"/objectives/{objective.pk}",
        "/key-results/{key_result_id}": f"/key-results/{kr.pk}",
        "/weekly-items/{item_id}": f"/weekly-items/{item.pk}",
        "/weekly-categories/{category_id}": f"/weekly-categories/{category.pk}",
        "/cycles/{cycle_id}": f"/cycles/{cycle.pk}",
        "/people/{person_id}": f"/people/{member.pk}",
    }


def test_null_is_accepted_exactly_where_it_is_documented(document, admin_api, patchable):
    checked = 0
    for route, path in patchable.items():
        for name, prop in _body(document, "patch", route)["properties"].items():
            response = admin_api.patch(path, {name: None})
            said = errors_of(response).get(name, []) if response.status_code == 422 else []
            if _nullable(prop):
                assert not any(m.startswith(TYPE_REFUSALS) for m in said), (route, name, said)
            else:
                assert said, (route, name, response.status_code, response.content)
            checked += 1
    assert checked >= 25


@pytest.mark.parametrize(
    "method,route,field,min_length",
    [
        ("post", "/cycles", "name", 1),
        ("patch", "/cycles/{cycle_id}", "name", 1),
        ("post", "/objectives", "title", 3),
        ("patch", "/objectives/{objective_id}", "title", 3),
        ("post", "/objectives/{objective_id}/key-results", "title", 3),
        ("patch", "/key-results/{key_result_id}", "title", 3),
        ("post", "/weekly-categories", "name", 1),
        ("patch", "/weekly-categories/{category_id}", "name", 1),
        ("post", "/weekly/{person_id}/{week}/items", "text", 1),
        ("post", "/objectives/{objective_id}/comments", "text", 1),
        ("post", "/dependencies", "description", 1),
        ("post", "/dismissals", "reason", 1),
        ("patch", "/objectives/{objective_id}/score", "reason", 1),
        ("post", "/key-results/{key_result_id}/target", "reason", 1),
        ("post", "/objectives/{objective_id}/return", "comment", 1),
        ("post", "/invitations", "email", 3),
    ],
)
def test_names_and_texts_that_cannot_be_empty_say_so(document, method, route, field, min_length):
    prop = _body(document, method, route)["properties"][field]
    assert prop["minLength"] == min_length
    assert "maxLength" in prop and "pattern" in prop  # the pattern says "not blank once stripped"


def _strings(schema: dict, schemas: dict, where: str):
    if "$ref" in schema:
        yield from _strings(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas, where)
        return
    for option in schema.get("anyOf", []) + schema.get("allOf", []):
        yield from _strings(option, schemas, where)
    if schema.get("type") == "string":
        yield where, schema
    for name, prop in schema.get("properties", {}).items():
        yield from _strings(prop, schemas, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _strings(schema["items"], schemas, f"{where}[]")
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _strings(schema["additionalProperties"], schemas, f"{where}{{}}")


def test_every_string_the_api_reads_is_bounded_or_patterned(document):
    """A string in a body or a query is an enum, an id, or has a pattern (at least: no NUL, which
    PostgreSQL cannot store) — so a client reading the document knows what is refused."""
    schemas = _schemas(document)
    loose = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    for name, s in _strings(parameter["schema"], schemas, where):
                        if not ("enum" in s or "pattern" in s or s.get("format") == "uuid"):
                            loose.append(f"{name} ?{parameter['name']}")
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                for name, s in _strings(body["schema"], schemas, where):
                    if not ("enum" in s or "pattern" in s or s.get("format") == "uuid"):
                        loose.append(name)
    # Query ids (unit_id, cycle_id, owner_person_id) are read as text; 404 when they name nothing.
    loose = [x for x in loose if not x.endswith(("?unit_id", "?cycle_id", "?owner_person_id"))]
    assert not loose, loose


def test_error_statuses_are_described_and_reads_never_conflict(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = {int(k): v for k, v in operation["responses"].items()}
            assert {401, 404, 422} <= set(responses), (method, path)
            assert "Nothing is saved" in responses[422]["description"]
            # The HTTP server answers an overlong request line itself, for any operation.
            assert str(MAX_REQUEST_LINE) in responses[414]["description"], (method, path)
            if method == "get":
                assert 409 not in responses, path
            else:
                assert "state" in responses[409]["description"], (method, path)


def test_dates_are_documented_with_their_bounds(document):
    start = _body(document, "post", "/cycles")["properties"]["start"]
    assert start["type"] == "string" and "2200-12-31" in start["description"]
    assert start["pattern"].startswith("^(?:(?:20[0-9][0-9]")


def test_offsets_are_bounded(document):
    for path in ("/objectives", "/learnings", "/people"):
        params = {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}
        assert params["offset"]["maximum"] == 2**31 - 1
        assert params["limit"]["maximum"] <= 500


def test_the_new_cycle_routes_are_documented(document):
    assert {"get", "patch", "delete"} <= set(document["paths"]["/cycles/{cycle_id}"])


def test_the_people_routes_are_documented(document):
    assert {"get", "patch"} <= set(document["paths"]["/people/{person_id}"])
    assert {"get", "post"} <= set(document["paths"]["/invitations"])
    assert "delete" in document["paths"]["/invitations/{invitation_id}"]
    person = _schemas(document)["PersonOut"]
    assert set(person["required"]) == {"id", "name", "email", "role", "active", "unit_ids"}
    invitation = _body(document, "post", "/invitations")
    assert set(invitation["properties"]) == {"email", "name", "role", "unit_ids"}


def test_the_contract_run_shares_every_operation_between_its_shards(document):
    from tests.contract.run_schemathesis import SHARDS

    tags = {o["tags"][0] for ops in document["paths"].values() for o in ops.values()}
    shared = [tag for shard in SHARDS for tag in shard]
    assert sorted(shared) == sorted(tags)  # each tag in exactly one shard


def test_the_audit_route_is_documented_with_its_bounds(document):
    operation = document["paths"]["/audit"]["get"]
    params = {p["name"]: p["schema"] for p in operation["parameters"]}
    assert set(params) == {"since", "actor_id", "kind", "offset", "limit"}
    since, actor_id, kind = (params[n]["anyOf"][0] for n in ("since", "actor_id", "kind"))
    assert since["pattern"].startswith("^(?:(?:20[0-9][0-9]")
    assert kind["pattern"] and actor_id["format"] == "uuid"
    assert params["limit"]["maximum"] <= 500 and params["offset"]["maximum"] == 2**31 - 1
    assert {401, 403, 404, 422} <= {int(k) for k in operation["responses"]}
