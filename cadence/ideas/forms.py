"""The ideas pages' forms: they parse and bound the input; the services decide the rest."""

from datetime import timedelta

from django import forms

from cadence.core.limits import FIRST_DATE, LAST_DATE, MAX_TITLE
from cadence.core.validators import validate_date_in_range
from cadence.ideas import rules
from cadence.ideas.models import MAX_DECLINE_REASON, MAX_DETAIL, MAX_IDEA_COMMENT
from cadence.orgs.models import Unit

# The prompts box holds at most this many characters (8 prompts of 200, with line breaks).
MAX_PROMPTS_TEXT = rules.MAX_PROMPTS * 201


def _date_input() -> forms.DateInput:
    return forms.DateInput(
        attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()},
        format="%Y-%m-%d",
    )


class RoundForm(forms.Form):
    unit = forms.ChoiceField(label="Who is asked")
    cycle = forms.ChoiceField(label="Ideas for the cycle")
    opens_on = forms.DateField(
        label="Opens on", widget=_date_input(), validators=[validate_date_in_range]
    )
    closes_on = forms.DateField(
        label="Closes on",
        widget=_date_input(),
        validators=[validate_date_in_range],
        help_text=f"People answer and read each other's ideas until the end of this day "
        f"({rules.MAX_DAYS} days at most).",
    )
    prompts = forms.CharField(
        label="Questions, one a line",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_PROMPTS_TEXT,
        help_text=f"Up to {rules.MAX_PROMPTS} questions of 200 characters each.",
    )

    def __init__(self, *args, units, cycles, today, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "opens_on": today,
                "closes_on": today + timedelta(days=rules.DEFAULT_DAYS - 1),
                "prompts": "\n".join(rules.DEFAULT_PROMPTS),
            },
        )
        super().__init__(*args, **kwargs)
        self._units = {str(u.id): u for u, _ in units}
        self._cycles = {str(c.id): c for c in cycles}
        self.fields["unit"].choices = [
            (
                str(u.id),
                "The whole organization"
                if u.kind == Unit.Kind.COMPANY
                else "\u2003" * max(depth - 1, 0) + u.name,
            )
            for u, depth in units
        ]
        self.fields["cycle"].choices = [(str(c.id), c.name) for c in cycles]

    def clean_unit(self):
        return self._units[self.cleaned_data["unit"]]

    def clean_cycle(self):
        return self._cycles[self.cleaned_data["cycle"]]

    def clean_prompts(self):
        return self.cleaned_data["prompts"].splitlines()


class IdeaForm(forms.Form):
    prompt = forms.ChoiceField(label="Answering")
    title = forms.CharField(label="Your idea", max_length=MAX_TITLE)
    detail = forms.CharField(
        label="More detail",
        required=False,
        max_length=MAX_DETAIL,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, prompts, **kwargs):
        super().__init__(*args, **kwargs)
        self._prompts = {str(p.id): p for p in prompts}
        self.fields["prompt"].choices = [(str(p.id), p.text) for p in prompts]

    def clean_prompt(self):
        return self._prompts[self.cleaned_data["prompt"]]


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment", max_length=MAX_IDEA_COMMENT, widget=forms.Textarea(attrs={"rows": 2})
    )


class PromoteForm(forms.Form):
    title = forms.CharField(label="Objective title", max_length=MAX_TITLE)
    why = forms.CharField(
        label="Why it matters",
        required=False,
        max_length=MAX_DETAIL,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why not this time",
        max_length=MAX_DECLINE_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
