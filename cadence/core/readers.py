"""Looking up an object by id as a given reader.

Some ``*_get(organization, id)`` selectors also take ``viewer=`` (objectives and what hangs off
them: a private objective is a 404 to whoever may not see it, cadence.okrs.visibility). Code that
looks objects up generically (a query string's id, a request body's id, the API's path ids) calls
them through ``get_as`` so the reader is passed exactly where a selector asks for one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable


@functools.cache
def takes_reader(getter: Callable) -> bool:
    return "viewer" in inspect.signature(getter).parameters


def get_as(getter: Callable, organization, value, reader):
    """``getter(organization, value)``, with ``viewer=reader`` when the getter reads as someone."""
    if takes_reader(getter):
        return getter(organization, value, viewer=reader)
    return getter(organization, value)
