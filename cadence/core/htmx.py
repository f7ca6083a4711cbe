"""Small request helpers: htmx partial-or-page detection, safe redirects back, redirects that
keep the chosen cycle."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.http import url_has_allowed_host_and_scheme

from cadence.core.readers import get_as


def is_htmx(request: HttpRequest) -> bool:
    """True for an htmx request that wants a fragment (boosted navigation wants a full page)."""
    return (
        request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
    )


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` URL a form carried, if it points back into this site; else ``fallback``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def query_object(request: HttpRequest, name: str, getter, organization):
    """The object a query-string id names (``?unit=<id>``), via an organization-scoped
    ``*_get`` selector — a foreign or unknown id is a 404 like anywhere else; None if absent."""
    value = request.GET.get(name)
    if not value:
        return None
    # Read as the person asking: what they may not see is a 404 too (okrs.visibility).
    return get_as(getter, organization, value, request.user)


def keeping_cycle(request: HttpRequest, url: str) -> str:
    """``url`` with the request's ``?cycle=`` (the cycle chosen in the header), for redirects
    from one page to another."""
    cycle = request.GET.get("cycle", "")
    if not cycle:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode({'cycle': cycle})}"


def post_only(request: HttpRequest) -> HttpResponse | None:
    """405 unless POST. Called after the object was found (so a foreign id is a 404 for every
    method)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None
