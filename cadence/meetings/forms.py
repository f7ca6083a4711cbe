from django import forms

from cadence.meetings.models import MAX_NOTE


class MeetingNoteForm(forms.Form):
    text = forms.CharField(
        label="Meeting notes",
        max_length=MAX_NOTE,
        help_text="Decisions, who does what, and what to look at next week.",
        error_messages={
            "required": "Write the notes of the meeting.",
            "max_length": f"Keep the notes to {MAX_NOTE:,} characters or fewer.",
        },
        widget=forms.Textarea(attrs={"rows": 6}),
    )
