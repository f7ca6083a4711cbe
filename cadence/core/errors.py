"""Errors that services raise and every entry point (views, API, CLI) turns into answers.

- ``django.core.exceptions.ValidationError``: bad input → a form error or a JSON 422.
- ``Conflict`` (a ValidationError): well-formed input that the current state of what it would
  change refuses → a form error like any other, a JSON 409 in the API.
- ``PermissionDenied``: the person may see the object but not change it → 403.
- ``Http404``: the object does not exist for this person's organization → 404.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

__all__ = ["Conflict", "Http404", "PermissionDenied", "ValidationError", "validation_payload"]


class Conflict(ValidationError):
    """The request is well formed, but what it would change is not in a state that allows it:
    a closed cycle, a state that cannot follow the current one, something already done, a cycle
    that still holds objectives. Pages show it like any ValidationError (it is one); the API
    answers 409, so that a client can tell "fix your input" (422) from "the object has moved
    on" (409)."""


def validation_payload(error: ValidationError) -> dict:
    """{"message": ..., "errors": {field: [messages]}} from a Django ValidationError."""
    if hasattr(error, "error_dict"):
        errors = {
            field: [m for e in errs for m in e.messages] for field, errs in error.error_dict.items()
        }
        non_field = errors.pop("__all__", [])
        if non_field:
            errors["__all__"] = non_field
        first = next(iter(errors.values()))[0] if errors else "Invalid input."
        return {"message": first, "errors": errors}
    messages = error.messages
    return {
        "message": messages[0] if messages else "Invalid input.",
        "errors": {"__all__": messages},
    }
