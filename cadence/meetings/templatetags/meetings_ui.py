"""The "Weekly" card of a unit page: links to its report and meeting, and its latest notes."""

from django import template

from cadence.meetings import selectors
from cadence.weekly.weeks import format_week

register = template.Library()


@register.inclusion_tag("meetings/_unit_weekly.html", takes_context=True)
def unit_weekly(context, unit):
    request = context["request"]
    return {
        "unit": unit,
        "notes": selectors.latest_notes(request.user.organization, unit, 1),
        # Set by the unit page: whoever may change the unit's weekly deadline or categories.
        "can_settings": context.get("can_weekly_settings", False),
    }


@register.filter
def iso_week(monday) -> str:
    """A week's Monday → "2026-W47"."""
    return format_week(monday)
