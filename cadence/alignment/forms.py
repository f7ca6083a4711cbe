"""Alignment forms: a comment on a step of the approval conversation, a dependency, its state."""

from django import forms

from cadence.alignment.models import Dependency
from cadence.core.limits import MAX_SHORT_TEXT, MAX_TEXT


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What should the team change?",
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the team should change before proposing again."},
    )


class DependencyForm(forms.Form):
    provider = forms.ModelChoiceField(
        label="Which unit do you need something from?", queryset=None, empty_label=None
    )
    description = forms.CharField(
        label="What do you need from them?",
        max_length=MAX_SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what you need from them."},
    )

    def __init__(self, *args, units, **kwargs):
        kwargs.setdefault("auto_id", "dep-%s")
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = units
        self.fields["provider"].label_from_instance = lambda u: f"{u.name} ({u.get_kind_display()})"


class DependencyStateForm(forms.Form):
    state = forms.ChoiceField(label="New state", choices=Dependency.State.choices)
    note = forms.CharField(label="Note", required=False, max_length=MAX_SHORT_TEXT)


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label="Note", required=False, max_length=MAX_SHORT_TEXT)
