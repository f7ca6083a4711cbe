"""The nav's "Approvals" link with how many objectives wait for the person (one query)."""

from django import template

from cadence.alignment.selectors import approvals_count

register = template.Library()


@register.inclusion_tag("alignment/_approvals_nav.html", takes_context=True)
def approvals_nav(context):
    user = context["request"].user
    count = approvals_count(user) if user.is_authenticated else 0
    return {
        "count": count,
        "current": context.get("nav") == "approvals",
        "show": count > 0 or context.get("nav") == "approvals",
    }
