"""Forms of the weekly pages: add or edit an item (text and an optional OKR link) and move it.

The link is one <select>: "o:<objective id>" or "k:<key result id>" among the person's team
objectives and key results (the view turns the choice into objects through the selectors, so a
foreign id is a 404)."""

from __future__ import annotations

from django import forms

from cadence.core.limits import MAX_INT, MAX_SHORT_TEXT
from cadence.orgs.models import TIME_ZONES, Unit

MAX_TEXT = MAX_SHORT_TEXT  # an item's text


def link_choices(objectives, current=None) -> list:
    """Choices for the link <select>: each objective, then its key results (indented). An item's
    current link stays choosable even when it is outside the list (another cycle, say)."""
    choices: list = [("", "No OKR link")]
    seen = set()
    for o in objectives:
        group = [(f"o:{o.id}", o.title)]
        seen.add(f"o:{o.id}")
        for kr in o.key_results.all():
            group.append((f"k:{kr.id}", f"↳ {kr.title}"))
            seen.add(f"k:{kr.id}")
        choices.append((o.unit.name, group))
    if current is not None:
        value, label = current
        if value not in seen:
            choices.append((value, label))
    return choices


def link_value(item) -> str:
    if item.key_result_id:
        return f"k:{item.key_result_id}"
    if item.objective_id:
        return f"o:{item.objective_id}"
    return ""


def parse_link(value: str) -> tuple[str, str] | None:
    """ "o:<uuid>" → ("o", "<uuid>"); "" → None."""
    if not value:
        return None
    kind, _, ident = value.partition(":")
    if kind not in ("o", "k") or not ident:
        return None
    return kind, ident


class ItemForm(forms.Form):
    text = forms.CharField(
        label="Item",
        max_length=MAX_TEXT,
        error_messages={
            "required": "Write what you plan, did or are stuck on.",
            "max_length": f"Keep it to {MAX_TEXT} characters or fewer.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    link = forms.ChoiceField(label="Link to OKR", required=False)

    def __init__(self, *args, choices=None, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["link"].choices = choices or [("", "No OKR link")]
        self.fields["link"].show_optional = False
        if prefix_id:
            self.auto_id = f"{prefix_id}-%s"


class MoveForm(forms.Form):
    category = forms.SlugField(max_length=40)
    position = forms.IntegerField(required=False, min_value=0, max_value=MAX_INT)


class RhythmForm(forms.Form):
    """A unit's weekly deadline: weekday, time and time zone (the service validates again)."""

    checkin_weekday = forms.TypedChoiceField(
        label="Weekly updates are due on",
        coerce=int,
        error_messages={"invalid_choice": "Choose a day of the week."},
    )
    checkin_time = forms.TimeField(
        label="At",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Give the time, such as 17:00.",
            "invalid": "Give the time, such as 17:00.",
        },
    )
    time_zone = forms.ChoiceField(
        label="Time zone",
        error_messages={"invalid_choice": "Choose a time zone from the list."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checkin_weekday"].choices = Unit.Weekday.choices
        self.fields["time_zone"].choices = [(name, name) for name in TIME_ZONES]
        self.auto_id = "rhythm-%s"


class CategoryNameForm(forms.Form):
    """Rename a weekly category (and the name of a new one)."""

    name = forms.CharField(
        label="Name",
        max_length=60,
        error_messages={
            "required": "Give the category a name.",
            "max_length": "Keep the name to 60 characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_id:
            self.auto_id = f"{prefix_id}-%s"


class CategoryAddForm(CategoryNameForm):
    carries_over = forms.BooleanField(
        label="Open items carry over to the next week (like Plans and Problems)",
        required=False,
    )
