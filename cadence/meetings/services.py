"""Writes of meeting notes: keyword-only, permission-checked, validated, atomic."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cadence.meetings.models import MAX_NOTE, MeetingNote
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access
from cadence.weekly.weeks import monday_of


def can_write_notes(actor: Person, unit: Unit) -> bool:
    """Whoever may edit the unit's OKRs keeps its meeting notes (members, leads above, admins)."""
    return (
        actor.is_active
        and actor.organization_id == unit.organization_id
        and not actor.is_viewer
        and Access(actor).can_edit_unit(unit)
    )


@transaction.atomic
def meeting_note_save(*, actor: Person, unit: Unit, week: date, text: str) -> MeetingNote:
    """Create or replace the notes of a unit's meeting for a week (any day of it names it)."""
    if actor.organization_id != unit.organization_id:
        raise PermissionDenied("You are not part of this organization.")
    if not can_write_notes(actor, unit):
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins keep its notes.")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Write the notes of the meeting."})
    if len(text) > MAX_NOTE:
        raise ValidationError({"text": f"Keep the notes to {MAX_NOTE:,} characters or fewer."})
    week = monday_of(week)
    note = MeetingNote.objects.select_for_update().filter(unit=unit, week=week).first()
    if note is None:
        try:
            with transaction.atomic():
                return MeetingNote.objects.create(
                    organization_id=unit.organization_id,
                    unit=unit,
                    week=week,
                    text=text,
                    author=actor,
                )
        except IntegrityError:
            # Saved by someone else at the same moment: this save replaces it.
            note = MeetingNote.objects.select_for_update().get(unit=unit, week=week)
    note.text = text
    note.author = actor
    note.save(update_fields=["text", "author", "updated_at"])
    return note
