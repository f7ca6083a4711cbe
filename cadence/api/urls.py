"""The API v1 object, mounted at /api/v1/ by cadence/urls.py."""

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.parser import Parser

from cadence.api import errors
from cadence.api.auth import BearerToken, SessionCookie
from cadence.api.routers import (
    alignment,
    audit,
    coach,
    cycles,
    exports,
    feed,
    ideas,
    imports,
    key_results,
    kpis,
    me,
    notifications,
    objectives,
    oneonones,
    organization,
    people,
    planning,
    retrospectives,
    reviews,
    rollout,
    scores,
    search,
    units,
    webhooks,
    weekly,
)
from cadence.core.limits import MAX_REQUEST_LINE

DESCRIPTION = """\
Cadence's REST API: organizations' units, cycles, objectives, key results and check-ins.

Authenticate with a personal API token: `Authorization: Bearer cad_…` (create one with
`cadence token create EMAIL`). In a browser where you are logged in to Cadence, this page uses
your session.

Errors answer `{"message": "...", "errors": {"field": ["..."]}}`: 401 without credentials, 403
when you may read but not change something, 404 for anything that is not your organization's,
422 for bad input, 409 for a well-formed request that the object's state refuses (a closed
cycle, a state that cannot follow the current one, something already done). Nothing is saved.
After 10 wrong tokens from one address within an hour, every token from it answers 429 for an
hour (or until an admin unlocks the address), in the same shape.
"""

# What each error status means, said once for every operation that can answer it.
RESPONSE_DESCRIPTIONS = {
    "400": "The body is not valid JSON.",
    "401": "No credentials: send a personal API token.",
    "403": "You may read this but not change it.",
    "404": "Not one of your organization's objects (or none at all).",
    "409": "Well formed, but refused by the state of what it would change: its cycle is "
    "closed, the state asked for cannot follow the current one, it is already done, or it "
    "still holds something; or another change got there at the same moment. Nothing is saved.",
    "422": "Bad input: `errors` names each field and what is wrong. Nothing is saved.",
}
# Answered by the HTTP server before the API sees the request, for any operation: a request line
# (method, path and query string) past the server's limit. Its body is the server's own short
# HTML page, not the API's error shape.
URI_TOO_LONG = {
    "description": "The request line (method, path and query string) is longer than the server "
    f"accepts ({MAX_REQUEST_LINE} bytes under `cadence serve`). Nothing is read or saved."
}
# Reads change nothing: they never conflict, and they carry no body to be malformed.
READS_NEVER_ANSWER = ("400", "409")


class OnceParser(Parser):
    """A query or form parameter given more than once (``?offset=1&offset=2``) reaches the
    schema as all its values, so one that takes a single value is refused (422) instead of
    silently taking the last."""

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict:
        return {
            key: data.getlist(key)
            if key in list_fields or len(data.getlist(key)) > 1
            else data[key]
            for key in data
        }


class CadenceAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                responses = operation.get("responses", {})
                if method == "get":
                    for status in READS_NEVER_ANSWER:
                        responses.pop(int(status), None)
                        responses.pop(status, None)
                for status, response in responses.items():
                    if str(status) in RESPONSE_DESCRIPTIONS:
                        response["description"] = RESPONSE_DESCRIPTIONS[str(status)]
                responses[414] = dict(URI_TOO_LONG)
        return schema


api = CadenceAPI(
    title="Cadence API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    auth=[BearerToken(), SessionCookie()],
    parser=OnceParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.register(api)

api.add_router("", me.router)
api.add_router("", organization.router)
api.add_router("", units.router)
api.add_router("", people.router)
api.add_router("", cycles.router)
api.add_router("", objectives.router)
api.add_router("", key_results.router)
api.add_router("", kpis.router)
api.add_router("", weekly.router)
api.add_router("", feed.router)
api.add_router("", notifications.router)
api.add_router("", coach.router)
api.add_router("", alignment.router)
api.add_router("", scores.router)
api.add_router("", reviews.router)
api.add_router("", retrospectives.router)
api.add_router("", planning.router)
api.add_router("", ideas.router)
api.add_router("", audit.router)
api.add_router("", exports.router)
api.add_router("", imports.router)
api.add_router("", webhooks.router)
api.add_router("", search.router)
api.add_router("", oneonones.router)
api.add_router("", rollout.router)

# This module is also the API's URL conf: cadence/urls.py mounts it by name, so that it is
# imported on the first request to /api/v1/ (or the first reverse of one of its names), not when
# a process starts: django-ninja builds a model for every operation's input and answers as its
# routers are imported, about half a second.
urlpatterns, app_name, namespace = api.urls
