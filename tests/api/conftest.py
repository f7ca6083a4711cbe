"""Clients that call /api/v1 with a person's API token, and a small organization to call about."""

import json

import pytest
from django.test import Client

from cadence.orgs import services as org_services
from tests import factories as f


class Api:
    """Calls /api/v1 as one person (or as nobody), with JSON bodies."""

    def __init__(self, person=None, token: str | None = None):
        self.person = person
        self.token = token
        if person is not None and token is None:
            self.token = org_services.api_token_create(person=person)[1]
        self.client = Client()

    def call(self, method: str, path: str, body=None, *, raw: str | None = None, **extra):
        if self.token and "HTTP_AUTHORIZATION" not in extra:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return self.client.generic(
            method.upper(), "/api/v1" + path, data=data, content_type="application/json", **extra
        )

    def get(self, path, **extra):
        return self.call("get", path, **extra)

    def post(self, path, body=None, **kw):
        return self.call("post", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("patch", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, **kw)


def errors_of(response) -> dict:
    """The per-field errors of an error answer, checking the shape every error has."""
    body = response.json()
    assert isinstance(body["message"], str) and body["message"], body
    assert isinstance(body["errors"], dict), body
    return body["errors"]


@pytest.fixture
def api_as():
    return Api


@pytest.fixture
def admin_api(admin):
    return Api(admin)


@pytest.fixture
def member_api(member):
    return Api(member)


@pytest.fixture
def viewer_api(viewer):
    return Api(viewer)


@pytest.fixture
def outsider_api(outsider):
    return Api(outsider)


@pytest.fixture
def anonymous_api():
    return Api()


@pytest.fixture
def objective(admin, cycle, team):
    return f.make_objective(admin, cycle, team, title="Customers love the product")


@pytest.fixture
def kr(admin, objective):
    return f.make_kr(admin, objective, title="NPS from 20 to 40", start=20, target=40)


@pytest.fixture
def milestone(admin, objective):
    return f.make_kr(
        admin, objective, title="Ship the new onboarding", kind="milestone", start=None, target=None
    )


@pytest.fixture
def plain_static(settings):
    """Serve static files without collectstatic's manifest (the docs page links ninja's CSS/JS)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
