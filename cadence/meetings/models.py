"""The weekly OKR check-in meeting's notes (docs/method.md §4): one note per team per week."""

from django.db import models

from cadence.core.limits import MAX_NOTES
from cadence.core.models import BaseModel
from cadence.orgs.models import Organization, Person, Unit

MAX_NOTE = MAX_NOTES


class MeetingNote(BaseModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="meeting_notes")
    week = models.DateField()  # the Monday of the meeting's ISO week
    text = models.TextField(max_length=MAX_NOTE)
    # Whoever saved the notes last.
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "week"], name="meeting_note_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.week}"
