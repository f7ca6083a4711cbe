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


class MeetingSlot(BaseModel):
    """When a team holds its weekly OKR meeting: a weekday and a time in the team's time zone
    (``Unit.time_zone``), and how long it lasts (docs/method.md §4: 15–20 minutes). Optional: a
    team without a slot meets when it likes, and its calendar feed shows no meeting."""

    MIN_MINUTES, MAX_MINUTES, DEFAULT_MINUTES = 5, 240, 20

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="meeting_slot")
    weekday = models.PositiveSmallIntegerField(choices=Unit.Weekday.choices)
    at = models.TimeField()
    minutes = models.PositiveSmallIntegerField(default=DEFAULT_MINUTES)
    updated_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_weekday_display()} {self.at:%H:%M}, {self.minutes} min"
