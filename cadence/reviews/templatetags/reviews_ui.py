"""Display helpers for scores: the organization's grading scheme applied to a score, the band's
colour and words, and the success-rate history chart of a unit. Presentation only: scores are
computed by services and selectors, their rules live in ``cadence.reviews.scoring``."""

from django import template

from cadence.reviews import charts, scoring, selectors

register = template.Library()


def _scheme(context) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return scoring.BANDS
    return user.organization.grading_scheme


@register.simple_tag(takes_context=True)
def score_display(context, score) -> str:
    """A score under the organization's grading scheme: "0.7", "70%", or "On target (0.7)"."""
    return scoring.display(score, _scheme(context))


@register.filter
def score_text(score, scheme: str = scoring.BANDS) -> str:
    """A score under an explicit scheme (pages that already know it)."""
    return scoring.display(score, scheme)


@register.filter
def band_of(score, scheme: str = scoring.BANDS):
    return scoring.band(score, scheme)


@register.filter
def rate(value) -> str:
    """A success rate as a whole percent; "—" when nothing was scored."""
    return charts._percent(value)


@register.inclusion_tag("reviews/_score.html#score_badge", takes_context=True)
def score_badge(context, score, computed=None, label: str = "Score"):
    """The score with its band (colour and words) under the organization's scheme; says when a
    person adjusted it (``computed`` differs)."""
    scheme = _scheme(context)
    band = scoring.band(score, scheme)
    return {
        "score": score,
        "text": scoring.display(score, scheme),
        "band": band,
        "computed_text": scoring.display(computed, scheme) if computed is not None else "",
        "adjusted": computed is not None and score is not None and computed != score,
        "label": label,
        # The traffic light's text already names its band.
        "show_band": band is not None and scheme != scoring.TRAFFIC_LIGHT,
    }


@register.inclusion_tag("reviews/_score.html#unit_history", takes_context=True)
def unit_success_history(context, unit):
    """The success rate of a unit's own objectives in every closed cycle (the unit page)."""
    history = selectors.success_rate_history(context["request"].user.organization, unit)
    return {
        "unit": unit,
        "history": history,
        "chart": charts.rate_history([(p.cycle.name, p.success_rate) for p in history]),
        "chart_id": f"unit-{unit.pk}-rates",
    }
