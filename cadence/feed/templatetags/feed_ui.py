"""Template helpers for the discussion partial."""

from django import template

from cadence.feed.targets import target_title, target_url

register = template.Library()


@register.filter
def discussion_of(discussions: dict, target):
    """``discussions|discussion_of:item``: the target's entry of a ``discussions_for`` dict."""
    return discussions.get(target.pk) if discussions else None


@register.filter
def target_link(target) -> str:
    """Where a comment's or a weekly item's target is shown."""
    return target_url(target)


@register.filter
def target_name(target) -> str:
    return target_title(target)
