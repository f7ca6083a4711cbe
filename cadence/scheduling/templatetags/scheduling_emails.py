"""Filters for email templates."""

from django import template

register = template.Library()


@register.filter
def percent_or_dash(value: float | None) -> str:
    """0.42 → '42%'; None (nothing planned) → '—'."""
    if value is None:
        return "—"
    return f"{round(value * 100)}%"
