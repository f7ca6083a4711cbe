"""Template tags of the coach: its advice where people work outside the OKR pages."""

from django import template

from cadence.coach import checks
from cadence.coach import selectors as coach_selectors

register = template.Library()


@register.inclusion_tag("coach/_plan_count.html")
def coach_plan_count(organization, plan_count: int) -> dict:
    """The plan-count advice for a weekly update (method.md §8), under the organization's
    settings: one query, however many plans (so the page's query count never depends on it)."""
    settings = coach_selectors.settings_of(organization)
    found = checks.check_weekly_update(checks.WeeklyUpdateFacts(plan_count=plan_count))
    found = checks.apply_settings(found, settings)
    return {
        "findings": [
            {
                "finding": f,
                "check": checks.CHECKS[f.check],
                "label": coach_selectors.level_label(f.level),
            }
            for f in found
        ]
    }
