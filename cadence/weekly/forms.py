"""Forms of the weekly pages: add or edit an item (text and an optional OKR link) and move it.

The link is one <select>: "o:<objective id>" or "k:<key result id>" among the person's team
objectives and key results (the view turns the choice into objects through the selectors, so a
foreign id is a 404)."""

from __future__ import annotations

from django import forms

MAX_TEXT = 1000


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
    position = forms.IntegerField(required=False, min_value=0)
