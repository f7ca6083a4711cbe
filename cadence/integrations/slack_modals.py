"""Pure rules of the optional Slack app: the modals ``/cadence`` opens (Block Kit views) and
how their submissions read. No database, no Django: the services hand in titles and ids."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

CHECK_IN = "cadence_check_in"
WEEKLY = "cadence_weekly"
# Slack's bounds: a modal's title, an option's text, options in a select.
TITLE = 24
OPTION_TEXT = 75
MAX_OPTIONS = 100
# Weekly items one submission adds at most, and the text a field takes.
MAX_ITEMS = 20
MAX_FIELD = 3000

CONFIDENCES = (("on_track", "On track"), ("at_risk", "At risk"), ("off_track", "Off track"))

HELP = (
    "`/cadence` or `/cadence check-in`: check in on one of your key results.\n"
    "`/cadence weekly`: add items to this week's update.\n"
    "`/cadence help`: this message."
)


def _text(text: str, limit: int) -> dict[str, str]:
    text = " ".join((text or "").split()) or "—"
    return {"type": "plain_text", "text": text if len(text) <= limit else text[: limit - 1] + "…"}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _text(text, OPTION_TEXT), "value": value}


def what_command(text: str) -> str:
    """Which modal ``/cadence <text>`` asks for: "check_in", "weekly" or "help"."""
    word = (text or "").strip().lower().split(" ")[0]
    if word in {"weekly", "week", "update", "items"}:
        return "weekly"
    if word in {"help", "?"}:
        return "help"
    return "check_in"


@dataclass(frozen=True)
class Choice:
    value: str  # an id
    text: str


def check_in_modal(key_results: Sequence[Choice]) -> dict[str, Any]:
    """A key result (at most MAX_OPTIONS, the caller's order), its new value, the confidence
    and a note."""
    return {
        "type": "modal",
        "callback_id": CHECK_IN,
        "title": _text("Check in", TITLE),
        "submit": _text("Save", TITLE),
        "close": _text("Cancel", TITLE),
        "blocks": [
            {
                "type": "input",
                "block_id": "kr",
                "label": _text("Key result", 2000),
                "element": {
                    "type": "static_select",
                    "action_id": "kr",
                    "options": [_option(c.text, c.value) for c in key_results[:MAX_OPTIONS]],
                },
            },
            {
                "type": "input",
                "block_id": "value",
                "label": _text("New value (a milestone: 1 when done, else 0)", 2000),
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 30},
            },
            {
                "type": "input",
                "block_id": "confidence",
                "label": _text("Confidence", 2000),
                "element": {
                    "type": "static_select",
                    "action_id": "confidence",
                    "initial_option": _option(CONFIDENCES[0][1], CONFIDENCES[0][0]),
                    "options": [_option(label, value) for value, label in CONFIDENCES],
                },
            },
            {
                "type": "input",
                "block_id": "note",
                "optional": True,
                "label": _text("Note", 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "note",
                    "multiline": True,
                    "max_length": MAX_FIELD,
                },
            },
        ],
    }


def weekly_modal(categories: Sequence[Choice], week_label: str) -> dict[str, Any]:
    """A category of the person's update (``categories``: at least one) and its new items, one
    per line."""
    return {
        "type": "modal",
        "callback_id": WEEKLY,
        "title": _text(f"Week {week_label}", TITLE),
        "submit": _text("Add", TITLE),
        "close": _text("Cancel", TITLE),
        "blocks": [
            {
                "type": "input",
                "block_id": "category",
                "label": _text("Where", 2000),
                "element": {
                    "type": "static_select",
                    "action_id": "category",
                    "initial_option": _option(categories[0].text, categories[0].value),
                    "options": [_option(c.text, c.value) for c in categories[:MAX_OPTIONS]],
                },
            },
            {
                "type": "input",
                "block_id": "items",
                "label": _text("Items, one per line", 2000),
                "element": {
                    "type": "plain_text_input",
                    "action_id": "items",
                    "multiline": True,
                    "max_length": MAX_FIELD,
                },
            },
        ],
    }


def _value(values: dict, block: str) -> Any:
    """What the submitted view holds for a block's element (the text, or the chosen option's
    value); None when missing."""
    element = (values.get(block) or {}).get(block) or {}
    if not isinstance(element, dict):
        return None
    if element.get("type") == "static_select":
        option = element.get("selected_option") or {}
        return option.get("value") if isinstance(option, dict) else None
    value = element.get("value")
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class CheckInSubmission:
    key_result_id: str
    value: float
    confidence: str
    note: str


def read_check_in(values: dict) -> CheckInSubmission | dict[str, str]:
    """The check-in a submitted modal asks for, or its errors by block (Slack shows them)."""
    errors: dict[str, str] = {}
    kr = _value(values, "kr")
    if not kr:
        errors["kr"] = "Choose a key result."
    raw = (_value(values, "value") or "").strip().replace(",", ".")
    number = None
    try:
        number = float(raw)
    except ValueError:
        errors["value"] = "Enter a number, such as 42 or 3.5."
    if number is not None and not math.isfinite(number):
        errors["value"] = "Enter a number, such as 42 or 3.5."
    confidence = _value(values, "confidence") or ""
    if confidence not in {v for v, _ in CONFIDENCES}:
        errors["confidence"] = "Choose how confident you are."
    if errors:
        return errors
    note = (_value(values, "note") or "")[:MAX_FIELD]
    return CheckInSubmission(
        key_result_id=kr, value=float(number), confidence=confidence, note=note
    )


@dataclass(frozen=True)
class WeeklySubmission:
    category: str
    items: list[str]


def read_weekly(values: dict) -> WeeklySubmission | dict[str, str]:
    category = _value(values, "category") or ""
    lines = [line.strip() for line in (_value(values, "items") or "").splitlines()]
    lines = [line for line in lines if line]
    errors: dict[str, str] = {}
    if not category:
        errors["category"] = "Choose where the items go."
    if not lines:
        errors["items"] = "Write at least one item."
    elif len(lines) > MAX_ITEMS:
        errors["items"] = f"Add at most {MAX_ITEMS} items at a time."
    if errors:
        return errors
    return WeeklySubmission(category=category, items=lines)
