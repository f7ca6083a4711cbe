"""Organization-scoped reads of meeting notes."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, QuerySet

from cadence.meetings.models import MeetingNote, MeetingSlot
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


def unit_has_notes(organization: Organization, unit_ref) -> Exists:
    """Whether the unit (``unit_ref``: an ``OuterRef`` to its id) has a meeting note (an
    annotation of the unit's own query: without one, ``latest_notes`` is not asked)."""
    return Exists(MeetingNote.objects.filter(organization=organization, unit_id=unit_ref))


def latest_notes(organization: Organization, unit: Unit, limit: int = 3) -> list[MeetingNote]:
    return list(notes_of(organization, unit)[:limit])


def meeting_slot_of(organization: Organization, unit: Unit) -> MeetingSlot | None:
    """When the unit holds its weekly meeting, or None when it has not said."""
    return MeetingSlot.objects.filter(organization=organization, unit=unit).first()


def meeting_slots(organization: Organization, unit_ids) -> dict:
    """unit id → its MeetingSlot, for the units that have one (one query)."""
    return {
        s.unit_id: s
        for s in MeetingSlot.objects.filter(organization=organization, unit_id__in=list(unit_ids))
    }
