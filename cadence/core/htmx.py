"""Small htmx helpers: one view answers with the whole page or only a partial."""

from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True for an htmx request that wants a fragment (boosted navigation wants a full page)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )
