"""The API v1 object, mounted at /api/v1/ by cadence/urls.py."""

from ninja import NinjaAPI

from cadence.api import errors
from cadence.api.auth import BearerToken, SessionCookie
from cadence.api.routers import (
    alignment,
    coach,
    cycles,
    feed,
    key_results,
    me,
    objectives,
    reviews,
    scores,
    units,
    weekly,
)

DESCRIPTION = """\
Cadence's REST API: organizations' units, cycles, objectives, key results and check-ins.

Authenticate with a personal API token: `Authorization: Bearer cad_…` (create one with
`cadence token create EMAIL`). In a browser where you are logged in to Cadence, this page uses
your session.

Errors answer `{"message": "...", "errors": {"field": ["..."]}}`: 401 without credentials, 403
when you may read but not change something, 404 for anything that is not your organization's,
422 for bad input (nothing is saved).
"""


class CadenceAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        return operation.view_func.__name__


api = CadenceAPI(
    title="Cadence API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-1",
    auth=[BearerToken(), SessionCookie()],
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.register(api)

api.add_router("", me.router)
api.add_router("", units.router)
api.add_router("", cycles.router)
api.add_router("", objectives.router)
api.add_router("", key_results.router)
api.add_router("", weekly.router)
api.add_router("", feed.router)
api.add_router("", coach.router)
api.add_router("", alignment.router)
api.add_router("", scores.router)
api.add_router("", reviews.router)
