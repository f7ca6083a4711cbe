"""Forms of the "Teams and departments" settings pages. They parse and bound the input; the
services (``orgs.unit_services``) decide the rules again and say what is wrong."""

from __future__ import annotations

from django import forms

from cadence.core.limits import MAX_NAME
from cadence.orgs.models import TIME_ZONES, Membership, Unit

NAME_ERRORS = {
    "required": "Give the unit a name.",
    "max_length": f"Keep the name to {MAX_NAME} characters or fewer.",
}


def _parent_choices(parents) -> list[tuple[str, str]]:
    return [(str(u.id), f"{'— ' * depth}{u.name}") for u, depth in parents]


class UnitForm(forms.Form):
    """Name and parent of a unit; with ``kind`` for a new one."""

    name = forms.CharField(
        label="Name",
        max_length=MAX_NAME,
        error_messages=NAME_ERRORS,
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-refocus-here": ""}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[(Unit.Kind.TEAM, "Team"), (Unit.Kind.DEPARTMENT, "Department")],
        widget=forms.RadioSelect,
        help_text="Departments group teams; teams write weekly updates and hold no units.",
        error_messages={
            "required": "Choose team or department.",
            "invalid_choice": "Choose team or department.",
        },
    )
    parent = forms.TypedChoiceField(
        label="Inside",
        coerce=str,
        error_messages={
            "required": "Choose where it goes.",
            "invalid_choice": "Choose a unit from the list.",
        },
    )

    def __init__(self, *args, parents, with_kind: bool = True, prefix_id: str = "unit", **kwargs):
        """``parents``: (unit, depth) pairs the unit may go in: the company and departments."""
        super().__init__(*args, **kwargs)
        self.units = {str(u.id): u for u, _ in parents}
        self.fields["parent"].choices = _parent_choices(parents)
        if not with_kind:
            del self.fields["kind"]
        self.auto_id = f"{prefix_id}-%s"

    def clean_parent(self):
        return self.units[self.cleaned_data["parent"]]


class DeadlineForm(forms.Form):
    """A team's weekly deadline: weekday, time and time zone."""

    checkin_weekday = forms.TypedChoiceField(
        label="Weekly updates are due on",
        coerce=int,
        choices=Unit.Weekday.choices,
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
        choices=[(name, name) for name in TIME_ZONES],
        error_messages={"invalid_choice": "Choose a time zone from the list."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.auto_id = "deadline-%s"


class MemberAddForm(forms.Form):
    person = forms.TypedChoiceField(
        label="Person",
        coerce=str,
        error_messages={
            "required": "Choose a person.",
            "invalid_choice": "Choose a person from the list.",
        },
    )
    role = forms.ChoiceField(
        label="As",
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        error_messages={"invalid_choice": "Choose lead or member."},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.id): p for p in people}
        self.fields["person"].choices = [("", "Choose a person")] + [
            (str(p.id), f"{p.name} ({p.email})") for p in people
        ]
        self.fields["person"].widget.attrs["data-refocus-here"] = ""
        self.auto_id = "member-add-%s"

    def clean_person(self):
        return self.people[self.cleaned_data["person"]]
