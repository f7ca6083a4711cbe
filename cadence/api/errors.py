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

from cadence.alignment.selectors import dependency_get
from cadence.core.errors import validation_payload
from cadence.feed.selectors import comment_get
from cadence.okrs.selectors import cycle_get, key_result_get, objective_get
from cadence.orgs.selectors import person_get, unit_get
from cadence.weekly.selectors import category_get, item_get

NOT_FOUND = "Not found."
AUTH_REQUIRED = (
    "Authentication required: send a personal API token as 'Authorization: Bearer cad_…'."
)

# Which selector checks each id a path may carry (its parameter name → organization-scoped get).
PATH_OBJECTS = {
    "objective_id": objective_get,
    "key_result_id": key_result_get,
    "cycle_id": cycle_get,
    "unit_id": unit_get,
    "person_id": person_get,
    "item_id": item_get,
    "category_id": category_get,
    "comment_id": comment_get,
    "dependency_id": dependency_get,
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
        getter = PATH_OBJECTS.get(name)
        if getter is not None:
            getter(person.organization, value)


@contextmanager
def fields_renamed(mapping: dict[str, str]) -> Iterator[None]:
    """Report a service's field errors under the API's field names (``parent`` → ``parent_id``)."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
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
        return respond(request, 422, validation_payload(exc))

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
        # Only reachable when two writes race past the services' checks at the same moment.
        return respond(
            request, 409, payload("This conflicts with a change made at the same time; try again.")
        )

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
