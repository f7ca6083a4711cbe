"""``{% digest_follow unit %}``: the follow / unfollow button for a team's weekly digest."""

from django import template

from cadence.orgs.models import Membership, Unit
from cadence.scheduling import selectors

register = template.Library()


@register.inclusion_tag("scheduling/_digest_follow.html", takes_context=True)
def digest_follow(context, unit: Unit) -> dict:
    request = context["request"]
    person = request.user
    if unit.kind != Unit.Kind.TEAM or not person.is_authenticated:
        return {"show": False}
    is_member = Membership.objects.filter(unit=unit, person=person).exists()
    return {
        "show": True,
        "unit": unit,
        "is_member": is_member,
        "subscribed": not is_member and selectors.is_subscribed(person, unit),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
