"""The "Weekly" card of a unit page: links to its report and meeting, and its latest notes."""

from django import template

from cadence.weekly.weeks import format_week

register = template.Library()


@register.inclusion_tag("meetings/_unit_weekly.html", takes_context=True)
def unit_weekly(context, unit, notes):
    """``notes``: the unit's latest meeting notes, read once by the unit page
    (``meetings.selectors.latest_notes``): no query here."""
    return {
        "unit": unit,
        "notes": notes,
        # Set by the unit page: whoever may change the unit's weekly deadline or categories.
        "can_settings": context.get("can_weekly_settings", False),
    }


@register.filter
def iso_week(monday) -> str:
    """A week's Monday → "2026-W47"."""
    return format_week(monday)
