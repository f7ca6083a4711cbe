"""Every error the API answers, in one shape: ``{"message": str, "errors": {field: [str]}}``.

Bad input is a 4xx with a message, never a 500: ninja's request validation and the services'
``ValidationError`` → 422, ``PermissionDenied`` → 403, a missing or foreign object → 404,
no credentials → 401.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from cadence.accounts.selectors import invitation_get
from cadence.alignment.selectors import dependency_get
from cadence.api.schemas import NUL_MESSAGE, PATTERN_MESSAGES
from cadence.core.errors import Conflict, validation_payload
from cadence.core.readers import get_as
from cadence.feed.selectors import comment_get
from cadence.ideas.selectors import idea_get, round_get
from cadence.integrations.selectors import webhook_get
from cadence.kpis.selectors import kpi_get
from cadence.okrs.selectors import cycle_get, key_result_get, objective_get
from cadence.oneonones.selectors import pair_get
from cadence.orgs.person_selectors import person_get_any
from cadence.orgs.selectors import unit_get
from cadence.weekly.selectors import category_get, item_get

NOT_FOUND = "Not found."
AUTH_REQUIRED = (
    "Authentication required: send a personal API token as 'Authorization: Bearer cad_…'."
)

RACE = "This conflicts with a change made at the same time; try again."
# PostgreSQL's unique_violation and foreign_key_violation; SQLite says it in words.
RACE_SQLSTATES = frozenset({"23505", "23503"})
RACE_MESSAGES = ("UNIQUE constraint failed", "FOREIGN KEY constraint failed")

# Which selector checks each id a path may carry (its parameter name → organization-scoped get).
PATH_OBJECTS = {
    "objective_id": objective_get,
    "key_result_id": key_result_get,
    "cycle_id": cycle_get,
    "unit_id": unit_get,
    # Deactivated people are still the organization's (an admin reactivates them).
    "person_id": person_get_any,
    "item_id": item_get,
    "category_id": category_get,
    "comment_id": comment_get,
    "dependency_id": dependency_get,
    "invitation_id": invitation_get,
    "webhook_id": webhook_get,
    "kpi_id": kpi_get,
    "round_id": round_get,
    "idea_id": idea_get,
}
# Ids a path may carry that only some people of the organization may reach (parameter name →
# a get taking the person): a 1:1 is its two people's alone.
PATH_OBJECTS_OF_PERSON = {
    "pair_id": pair_get,
}

# Friendlier words for pydantic's error types.
MESSAGES = {
    "missing": "This field is required.",
    "float_type": "Enter a number.",
    "float_parsing": "Enter a number.",
    "finite_number": "Enter a finite number.",
    "string_type": "Enter text.",
    "string_unicode": "Text must be valid Unicode.",
    "uuid_parsing": "Enter a valid id.",
    "uuid_type": "Enter a valid id.",
    "date_parsing": "Enter a date as YYYY-MM-DD.",
    "date_from_datetime_parsing": "Enter a date as YYYY-MM-DD.",
    "date_type": "Enter a date as YYYY-MM-DD.",
    "extra_forbidden": "Unknown field.",
    "model_attributes_type": "Send a JSON object.",
    "model_type": "Send a JSON object.",
    "dict_type": "Send a JSON object.",
}


def is_race(exc: IntegrityError) -> bool:
    """Whether the database refused a row because another transaction got there first: a row
    that must be unique written twice at once, or a row referred to deleted meanwhile. The
    services check both before writing, so only a race reaches the database with them."""
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in RACE_SQLSTATES
    return str(exc).startswith(RACE_MESSAGES)


def payload(message: str, errors: dict[str, list[str]] | None = None) -> dict:
    return {"message": message, "errors": errors or {}}


def _field_name(loc: tuple | list) -> str:
    """("body", "payload", "title") → "title"; ("query", "cycle_id") → "cycle_id"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:]
        if parts and parts[0] == "payload":
            parts = parts[1:]
    return ".".join(parts) or "__all__"


def _message(error: dict) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        return f"Keep this to {ctx.get('max_length')} characters or fewer."
    if kind == "literal_error":
        return f"Choose one of: {ctx.get('expected', '').replace(' or ', ', ')}."
    if kind == "string_pattern_mismatch":
        value = error.get("input")
        if isinstance(value, str) and "\x00" in value:
            return NUL_MESSAGE
        return PATTERN_MESSAGES.get(ctx.get("pattern"), "Enter a value in the form described.")
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return "This field cannot be blank."
    if kind == "string_too_short":
        return f"Write at least {ctx.get('min_length')} characters."
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = ctx.get("ge", ctx.get("le"))
        side = "at least" if kind == "greater_than_equal" else "at most"
        return (
            f"Enter a number {side} {bound:g}."
            if isinstance(bound, float)
            else (f"Enter a number {side} {bound}.")
        )
    if kind == "too_long":
        return f"Send at most {ctx.get('max_length')} items."
    if kind in MESSAGES:
        return MESSAGES[kind]
    message = str(error.get("msg", "Invalid value."))
    return message.removeprefix("Value error, ")


def request_validation_payload(exc: RequestValidationError) -> dict:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(error.get("loc", ())), []).append(_message(error))
    first_field, first = next(iter(errors.items()))
    message = first[0] if first_field == "__all__" else f"{first_field}: {first[0]}"
    return payload(message, errors)


def check_path_objects(request: HttpRequest) -> None:
    """Raise Http404 if an id in the path is not one of the caller's organization's objects.

    Ninja validates the body before the endpoint runs; this makes another organization's
    object answer 404 whatever body came with the request, as every other route does.
    """
    person = getattr(request, "auth", None)
    match = getattr(request, "resolver_match", None)
    if person is None or match is None:
        return
    for name, value in match.kwargs.items():
        personal = PATH_OBJECTS_OF_PERSON.get(name)
        if personal is not None:
            personal(person, value)
        getter = PATH_OBJECTS.get(name)
        if getter is not None:
            get_as(getter, person.organization, value, person)  # hidden too: 404


@contextmanager
def fields_renamed(mapping: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's field names (``parent`` → ``parent_id``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        # The same class (a Conflict stays a Conflict: 409, not 422).
        raise type(exc)(
            {mapping.get(field, field): errs for field, errs in exc.error_dict.items()}
        ) from exc


def register(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, body: dict) -> HttpResponse:
        return api.create_response(request, body, status=status)

    @api.exception_handler(RequestValidationError)
    def on_request_validation(request, exc):
        try:
            check_path_objects(request)
        except Http404:
            return respond(request, 404, payload(NOT_FOUND))
        return respond(request, 422, request_validation_payload(exc))

    @api.exception_handler(ValidationError)
    def on_validation(request, exc):
        return respond(request, 409 if isinstance(exc, Conflict) else 422, validation_payload(exc))

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc):
        return respond(request, 403, payload(str(exc) or "You may not do this."))

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return respond(request, 404, payload(NOT_FOUND))

    @api.exception_handler(ObjectDoesNotExist)
    def on_does_not_exist(request, exc):
        # An object removed by someone else between our read and the service's row lock.
        return respond(request, 404, payload(NOT_FOUND))

    @api.exception_handler(IntegrityError)
    def on_integrity_error(request, exc):
        if not is_race(exc):
            # A check or not-null constraint refused a value the validation let through: a bug
            # to fix where the value comes in, not a conflict to report.
            raise exc
        return respond(request, 409, payload(RACE))

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request, exc):
        response = respond(request, 401, payload(AUTH_REQUIRED))
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request, exc):
        if exc.status_code == 400:
            # An unparsable body: another organization's object is still just "not found".
            try:
                check_path_objects(request)
            except Http404:
                return respond(request, 404, payload(NOT_FOUND))
            return respond(request, 400, payload("Send a valid JSON body."))
        return respond(request, exc.status_code, payload(str(exc)))
