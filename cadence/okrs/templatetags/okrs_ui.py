"""Display helpers for OKR pages: percents, statuses, numbers with units, progress bars.
Presentation only: every value is computed by selectors and the pure modules before it reaches
a template."""

import math
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from cadence.okrs import fragments
from cadence.okrs import progress as arithmetic

register = template.Library()

STATUS_LABELS = {
    arithmetic.ON_TRACK: "On track",
    arithmetic.AT_RISK: "At risk",
    arithmetic.OFF_TRACK: "Off track",
}
PREFIX_UNITS = {"$", "€", "£", "¥"}


@register.filter
def percent(value) -> str:
    """0.456 → "46%"; None → "—" (nothing measured is not 0%)."""
    return arithmetic.percent(value)


@register.filter
def pct(value) -> int:
    """0.456 → 46, for widths and aria-valuenow; None → 0."""
    if value is None:
        return 0
    return int(Decimal(repr(arithmetic.clamp(value) * 100)).quantize(0, rounding=ROUND_HALF_UP))


@register.filter
def status_label(value) -> str:
    return STATUS_LABELS.get(value, "No data")


@register.filter
def num(value) -> str:
    """A measured value for people: 29.0 → "29", 1234.5 → "1,234.5", 0.125 → "0.125"."""
    if value is None:
        return "—"
    if not isinstance(value, int | float) or not math.isfinite(value):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


@register.filter
def with_unit(value, unit: str = "") -> str:
    """A value with its unit: 29 and "%" → "29%", 40 and "$" → "$40", 120 and "tickets" →
    "120 tickets"."""
    text = num(value)
    if value is None or not unit:
        return text
    if unit == "%":
        return f"{text}%"
    if unit in PREFIX_UNITS:
        return f"-{unit}{text[1:]}" if text.startswith("-") else f"{unit}{text}"
    return f"{text} {unit}"


def _decimals(value: float | None) -> int:
    """How many decimals a value was written with (45 → 0, 99.9 → 1, 0.125 → 3)."""
    if value is None or not math.isfinite(value) or float(value).is_integer():
        return 0
    text = repr(float(value))
    return 0 if "e" in text else len(text.split(".")[1].rstrip("0"))


@register.filter
def rounded_like(value, kr) -> float | None:
    """A computed value (a forecast) rounded to the decimals its key result's start and target
    were written with, four at most: 41.37 for a target of 45 → 41."""
    if value is None or not math.isfinite(value):
        return value
    decimals = min(4, max(_decimals(kr.start), _decimals(kr.target)))
    exact = Decimal(repr(float(value)))
    return float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


@register.filter
def with_short_unit(value, unit: str = "") -> str:
    """Like ``with_unit`` for symbols (%, $); a word unit is left out, to be said once."""
    return with_unit(value, unit if unit == "%" or unit in PREFIX_UNITS else "")


@register.filter
def milestone(value) -> str:
    return "Done" if value is not None and value >= 1 else "Not done"


@register.filter
def change(value) -> str:
    """Week-over-week change in percentage points: "+12 pts", "−3 pts", "no change"."""
    if value is None:
        return "—"
    points = int(Decimal(repr(value * 100)).quantize(0, rounding=ROUND_HALF_UP))
    if points == 0:
        return "no change"
    return f"+{points} pts" if points > 0 else f"−{abs(points)} pts"


@register.filter
def change_direction(value) -> str:
    if value is None:
        return "none"
    points = int(Decimal(repr(value * 100)).quantize(0, rounding=ROUND_HALF_UP))
    return "up" if points > 0 else "down" if points < 0 else "flat"


# The two components below are drawn on every row of every OKR page: written as simple tags
# (format_html) rather than inclusion tags, which render a template with a fresh context each
# time. The markup is the components/*.html it replaced.


@register.simple_tag
def status(value, prefix: str = ""):
    """A status badge (on track / at risk / off track / no data) with its text label."""
    value = value or "none"
    label = STATUS_LABELS.get(value)
    hidden_prefix = (
        format_html('<span class="visually-hidden">{}: </span>', prefix) if prefix else ""
    )
    text = (
        conditional_escape(label)
        if label
        else mark_safe(
            '<span aria-hidden="true">—</span><span class="visually-hidden">no data yet</span>'
        )
    )
    return format_html('<span class="status status--{}">{}{}</span>', value, hidden_prefix, text)


@register.simple_tag
def progress_bar(value, expected=None, pace=None, label: str = "Progress", size: str = ""):
    """A progress bar with the expected position marked, coloured by pace, labelled."""
    pace = pace or "none"
    size_class = f" bar--{size}" if size else ""
    expected_pct = pct(expected) if expected is not None else None
    if value is not None:
        text = f"{pct(value)}%"
        if expected_pct is not None:
            text += f", expected {expected_pct}% by now"
        values = format_html(' aria-valuenow="{}" aria-valuetext="{}"', pct(value), text)
        fill = format_html('<div class="bar__fill" style="width: {}%"></div>', pct(value))
    else:
        values = mark_safe(' aria-valuetext="No progress measured yet"')
        fill = ""
    marker = (
        format_html(
            '<div class="bar__expected" style="left: {}%" title="Expected by now: {}%"></div>',
            expected_pct,
            expected_pct,
        )
        if expected_pct is not None
        else ""
    )
    return format_html(
        '<div class="bar bar--{}{}" role="progressbar" aria-label="{}" aria-valuemin="0" '
        'aria-valuemax="100"{}>\n  {}\n  {}\n</div>',
        pace,
        size_class,
        label,
        values,
        fill,
        marker,
    )


class CachedCardNode(template.Node):
    """``{% cached_card %}…{% endcached_card %}``: the key-result card's HTML from the fragment
    cache under ``fragments.card_key`` (what the card shows), rendered and kept on a miss."""

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context) -> str:
        request = context.get("request")
        here = context.get("here")
        card = fragments.Card(
            kr=context["kr"],
            objective=context["o"],
            today=context["today"],
            # As the check-in button's {% firstof here request.get_full_path %}.
            back=here or (request.get_full_path() if request is not None else ""),
            layout=context.get("layout") or "row",
            sources_shown=context.get("kr_sources") is not None,
            source=context.get("kr_source"),
        )
        html = fragments.cached(fragments.card_key(card), lambda: self.nodelist.render(context))
        return mark_safe(html)  # noqa: S308 — the template's own output, escaped when rendered


@register.tag
def cached_card(parser, token):
    nodelist = parser.parse(("endcached_card",))
    parser.delete_first_token()
    return CachedCardNode(nodelist)
