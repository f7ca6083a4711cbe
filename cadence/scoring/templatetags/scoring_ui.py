"""Display helpers for scores: the organization's grading scheme applied to a score, the band's
colour and words, and the success-rate history chart of a unit. Presentation only: scores are
computed by services and selectors, their rules live in ``cadence.scoring.rules``."""

from django import template

from cadence.scoring import charts
from cadence.scoring import rules as scoring

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


@register.simple_tag
def score_words(score, scheme: str = scoring.BANDS, commitment: str | None = None) -> str:
    """``score_text`` for an objective or key result of a known commitment (the traffic light's
    words name the band, which follows the commitment)."""
    return scoring.display(score, scheme, commitment=commitment or None)


@register.filter
def band_of(score, scheme: str = scoring.BANDS):
    return scoring.band(score, scheme)


@register.filter
def rate(value) -> str:
    """A success rate as a whole percent; "—" when nothing was scored."""
    return charts._percent(value)


@register.inclusion_tag("scoring/_score.html#score_badge", takes_context=True)
def score_badge(context, score, computed=None, label: str = "Score", commitment=None):
    """The score with its band (colour and words) under the organization's scheme; says when a
    person adjusted it (``computed`` differs). With the objective's (or key result's)
    ``commitment`` the band agrees with its success: a committed score below 1.0 is never shown
    as a success."""
    scheme = _scheme(context)
    commitment = commitment or None
    band = scoring.band(score, scheme, commitment=commitment)
    return {
        "score": score,
        "text": scoring.display(score, scheme, commitment=commitment),
        "band": band,
        "computed_text": (
            scoring.display(computed, scheme, commitment=commitment) if computed is not None else ""
        ),
        "adjusted": computed is not None and score is not None and computed != score,
        "label": label,
        # The traffic light's text already names its band.
        "show_band": band is not None and scheme != scoring.TRAFFIC_LIGHT,
    }


@register.inclusion_tag("scoring/_score.html#unit_history")
def unit_success_history(panel):
    """The success rate of a unit's own objectives in every closed cycle (the unit page), from
    the page's ``scoring.selectors.unit_success_panel``: no query here."""
    return {
        "unit": panel.unit,
        "history": panel.history,
        "chart": panel.chart,
        "chart_id": panel.chart_id,
    }
