"""Organization-scoped reads of meeting notes."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from cadence.meetings.models import MeetingNote
from cadence.orgs.models import Organization, Unit
from cadence.weekly.weeks import monday_of


def notes_of(organization: Organization, unit: Unit) -> QuerySet[MeetingNote]:
    """A unit's meeting notes, newest week first."""
    return (
        MeetingNote.objects.filter(organization=organization, unit=unit)
        .select_related("author")
        .order_by("-week")
    )


def note_of(organization: Organization, unit: Unit, week: date) -> MeetingNote | None:
    return notes_of(organization, unit).filter(week=monday_of(week)).first()


def latest_notes(organization: Organization, unit: Unit, limit: int = 3) -> list[MeetingNote]:
    return list(notes_of(organization, unit)[:limit])
