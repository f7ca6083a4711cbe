"""``{% site_header as header %}``: the header's links and cycles for this page.

The data comes from ``site_nav`` (cadence/web/nav.py, a context processor), read once per request;
this tag only tells it which page asks: the page's own ``cycle``, its ``nav`` section and where
its cycle switch submits (``cycle_switch_action``)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def site_header(context):
    nav = context.get("site_nav")
    request = context.get("request")
    user = getattr(request, "user", None)
    if nav is None or user is None or not user.is_authenticated:
        return None
    return nav.header(
        page_cycle=context.get("cycle"),
        section=context.get("nav") or "",
        switch_action=context.get("cycle_switch_action") or "",
    )
