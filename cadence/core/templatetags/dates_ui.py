"""``{{ value|when:"D j M Y, H:i" }}``: ``cadence.core.dates.when``, the ``date`` filter's output
written fast, for templates that list many dates."""

from django import template

from cadence.core.dates import when as _when

register = template.Library()


@register.filter(expects_localtime=False)
def when(value, pattern: str) -> str:
    return _when(value, pattern)
