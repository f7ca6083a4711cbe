"""The form → service round trip every page that changes something makes, written once.

A page builds its form (a Django form that parses and bounds the input), calls ``submit`` with
the service call to make with the form's cleaned data, and answers with the result:

    form = ObjectiveForm(request.POST if request.method == "POST" else None, ...)
    done = submit(request, form, lambda data: services.objective_update(
        actor=person, objective=objective, **data))
    if done.saved:
        messages.success(request, "Objective saved.")
        return redirect("objective_detail", objective_id=objective.id)
    return render(request, "okrs/objective_form.html", {"form": form, ...}, status=done.status)

A service's ``ValidationError`` (``Conflict`` included) lands on the form's fields (or on top of
the form for fields it does not show) and the page answers 422, which htmx swaps into place.
``PermissionDenied`` and ``Http404`` propagate to the 403 and 404 pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

UNPROCESSABLE = 422

T = TypeVar("T")


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: messages for fields the form shows go to
    those fields, the rest to the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for e in errors:
                form.add_error(target, e.messages)
    else:
        form.add_error(None, error.messages)


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What became of a submitted form: ``saved`` with the service's ``result``, or not (a GET,
    or errors now on the form) with the status to answer."""

    saved: bool
    result: T | None = None
    status: int = 200


def submit(
    request: HttpRequest,
    form: forms.Form,
    save: Callable[[dict[str, Any]], T],
    *,
    method: str = "POST",
) -> Submission[T]:
    """Validate ``form`` when the request is a ``method`` request and, if it is valid, call
    ``save(form.cleaned_data)`` (one service call). Errors from either end up on the form."""
    if request.method != method:
        return Submission(saved=False)
    if form.is_valid():
        try:
            return Submission(saved=True, result=save(form.cleaned_data))
        except ValidationError as error:
            add_service_error(form, error)
    return Submission(saved=False, status=UNPROCESSABLE)
