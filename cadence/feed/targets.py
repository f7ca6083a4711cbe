"""What a comment or a like is about: a weekly item, an objective or a key result."""

from __future__ import annotations

from django.urls import reverse

from cadence.okrs.models import KeyResult, Objective
from cadence.weekly.models import Item
from cadence.weekly.weeks import format_week

Target = Item | Objective | KeyResult

# The URL path segment (pages and API) of each kind of target.
SEGMENTS = {Item: "weekly-items", Objective: "objectives", KeyResult: "key-results"}
FIELDS = {Item: "item", Objective: "objective", KeyResult: "key_result"}


def target_field(target: Target) -> str:
    return FIELDS[type(target)]


def target_fields(target: Target) -> dict:
    """The Comment / Like foreign key that points at ``target``: ``{"objective": objective}``."""
    return {target_field(target): target}


def target_segment(target: Target) -> str:
    return SEGMENTS[type(target)]


def target_title(target: Target) -> str:
    if isinstance(target, Item):
        return f"{target.update.person.name}'s {format_week(target.update.week)}: {target.text}"
    return target.title


def target_url(target: Target) -> str:
    """Where the target's discussion is shown."""
    if isinstance(target, Objective):
        return reverse("objective_detail", args=[target.pk]) + f"#discussion-{target.pk}"
    if isinstance(target, KeyResult):
        return reverse("objective_detail", args=[target.objective_id]) + f"#discussion-{target.pk}"
    week = format_week(target.update.week)
    page = reverse("weekly_update", args=[target.update.person_id, week])
    return f"{page}#item-{target.pk}"


URL_NAMES = {
    Item: ("item_comments", "item_like"),
    Objective: ("objective_comments", "objective_like"),
    KeyResult: ("key_result_comments", "key_result_like"),
}


def comments_url(target: Target) -> str:
    return reverse(URL_NAMES[type(target)][0], args=[target.pk])


def like_url(target: Target) -> str:
    return reverse(URL_NAMES[type(target)][1], args=[target.pk])
