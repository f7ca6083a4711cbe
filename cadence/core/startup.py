"""What a serving process does once Django is set up, before it answers: `cadence serve` before
it forks its workers, cadence/wsgi.py for an operator's own gunicorn."""

from __future__ import annotations

import gc


def load_and_freeze() -> None:
    """Import every view (the root URL conf; the API's is imported on its first request:
    cadence/urls.py), then move everything loaded so far out of the garbage collector's reach
    (``gc.freeze``). A page builds thousands of objects, so Python's full collections come every
    few requests, and each walked every object of the code as well (~140,000): 85–100 ms a time
    while the admin's dashboard was being built at org-100k, ~14 ms frozen. Before a fork, the
    frozen objects are also never written to by the collector, so workers keep sharing those
    pages of memory."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports the URL conf and every view)
    gc.collect()  # garbage of the imports is freed, not frozen
    gc.freeze()
