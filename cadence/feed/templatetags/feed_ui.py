"""Template helpers for the discussion partial and the header's notifications link."""

from django import template

from cadence.feed import selectors
from cadence.feed.targets import target_title, target_url

register = template.Library()


@register.simple_tag(takes_context=True)
def discussion_data(context, target=None, discussion=None):
    """The discussion to show: the one given (loaded in bulk by ``selectors.discussions_for``),
    else the target's own (two queries)."""
    if discussion:  # (an undefined template variable arrives as "")
        return discussion
    return selectors.discussion_for(context["request"].user, target)


@register.filter
def discussion_of(discussions: dict, target):
    """``discussions|discussion_of:item``: the target's entry of a ``discussions_for`` dict."""
    return discussions.get(target.pk) if discussions else None


@register.inclusion_tag("feed/_notifications_link.html", takes_context=True)
def notifications_link(context):
    user = context["request"].user
    return {
        "unread": selectors.unread_count(user) if user.is_authenticated else 0,
        "current": context.get("nav") == "notifications",
    }


@register.filter
def target_link(target) -> str:
    """Where a comment's or a weekly item's target is shown."""
    return target_url(target)


@register.filter
def target_name(target) -> str:
    return target_title(target)


@register.simple_tag(takes_context=True)
def discussions(context, targets):
    """``{% discussions objective.krs as kr_discussions %}``: every target's discussion in two
    queries (use with the ``discussion_of`` filter)."""
    return selectors.discussions_for(context["request"].user, list(targets))
