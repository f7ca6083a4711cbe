"""``{% digest_follow unit %}``: the follow / unfollow button for a team's weekly digest. It reads
the request's ``digest_follows`` (cadence/scheduling/context_processors.py) and runs no queries
of its own: the person's teams and followed digests are read once per request."""

from django import template

from cadence.orgs.models import Unit
from cadence.scheduling.context_processors import DigestFollows

register = template.Library()


@register.inclusion_tag("scheduling/_digest_follow.html", takes_context=True)
def digest_follow(context, unit: Unit) -> dict:
    follows = context.get("digest_follows")
    if follows is None:  # a template rendered without the context processor
        request = context.get("request")
        user = getattr(request, "user", None)
        follows = DigestFollows(user if user is not None and user.is_authenticated else None)
    follow = follows.of(unit)
    return {
        "show": follow.show,
        "unit": unit,
        "is_member": follow.is_member,
        "subscribed": follow.subscribed,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
