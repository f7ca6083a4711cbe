"""Pure: an ideas round's period, its default prompts, and the bounds of what people write.
No database, no Django models."""

from datetime import date

# The questions a new round asks unless its opener words its own (docs/method.md §9).
DEFAULT_PROMPTS: tuple[str, ...] = (
    "What could we change so that we work better together?",
    "What gets in our way?",
    "What already works well and deserves more of our effort?",
    "Which problems do we keep running into?",
)
MAX_PROMPTS = 8
# A round runs for a week by default, and for at most this many days (both ends included).
DEFAULT_DAYS = 7
MAX_DAYS = 31
# How far ahead a round may be opened.
MAX_DAYS_AHEAD = 180

UPCOMING = "upcoming"
OPEN = "open"
CLOSED = "closed"
STATUS_LABELS = {UPCOMING: "Not open yet", OPEN: "Open", CLOSED: "Closed"}
# The list shows open rounds first, then those still to open, then closed ones.
STATUS_ORDER = {OPEN: 0, UPCOMING: 1, CLOSED: 2}


def status(opens_on: date, closes_on: date, today: date) -> str:
    """Whether a round running from ``opens_on`` to ``closes_on`` (both included) is still to
    open, open or closed on ``today``."""
    if today < opens_on:
        return UPCOMING
    if today > closes_on:
        return CLOSED
    return OPEN


def period_errors(opens_on: date, closes_on: date, *, today: date, cycle_end: date) -> dict:
    """Field → message for a period a new round may not have (empty when it is fine)."""
    errors: dict[str, str] = {}
    if opens_on < today:
        errors["opens_on"] = "Open the round today or on a later day."
    elif (opens_on - today).days > MAX_DAYS_AHEAD:
        errors["opens_on"] = f"Open the round within {MAX_DAYS_AHEAD} days from today."
    if closes_on < opens_on:
        errors["closes_on"] = "Close the round on or after the day it opens."
    elif (closes_on - opens_on).days + 1 > MAX_DAYS:
        errors["closes_on"] = f"Keep the round to {MAX_DAYS} days at most."
    elif closes_on > cycle_end:
        errors["closes_on"] = "Close the round before the cycle it collects ideas for ends."
    return errors


def clean_prompts(texts) -> tuple[list[str], str]:
    """The prompts to keep (stripped, blanks dropped) and what is wrong with them ("" if
    nothing)."""
    kept = [" ".join((t or "").split()) for t in texts]
    kept = [t for t in kept if t]
    if not kept:
        return kept, "Ask at least one question."
    if len(kept) > MAX_PROMPTS:
        return kept, f"Ask {MAX_PROMPTS} questions at most (you have {len(kept)})."
    if any(len(t) > 200 for t in kept):
        return kept, "Keep each question to 200 characters or fewer."
    if len({t.casefold() for t in kept}) != len(kept):
        return kept, "Ask each question once."
    return kept, ""
