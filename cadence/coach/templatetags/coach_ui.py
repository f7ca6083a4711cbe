"""Template tags of the coach: its advice where people work outside the OKR pages. They run no
queries: the page hands them what it read once (the organization's coach settings)."""

from django import template

from cadence.coach import checks
from cadence.coach import selectors as coach_selectors

register = template.Library()


@register.inclusion_tag("coach/_plan_count.html")
def coach_plan_count(settings: checks.Settings, plan_count: int) -> dict:
    """The plan-count advice for a weekly update (docs/method.md §8) under ``settings``
    (``coach.selectors.settings_of``, read once by the page's view)."""
    return {"findings": coach_selectors.plan_count_findings(settings, plan_count)}
