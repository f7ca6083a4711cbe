"""Writes of meeting notes: keyword-only, permission-checked, validated, atomic."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cadence.audit.services import audit_record
from cadence.meetings.models import MAX_NOTE, MeetingNote, MeetingSlot
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


def can_set_slot(actor: Person, unit: Unit) -> bool:
    """Who sets a team's meeting slot: as for its weekly rhythm, admins and the leads of the
    team or of a unit above it."""
    return (
        actor.is_active
        and actor.organization_id == unit.organization_id
        and unit.kind == Unit.Kind.TEAM
        and Access(actor).can_lead_unit(unit)
    )


def _slot_label(slot: MeetingSlot | None) -> str | None:
    if slot is None:
        return None
    return f"{slot.get_weekday_display()} {slot.at:%H:%M}, {slot.minutes} min"


@transaction.atomic
def meeting_slot_set(
    *, actor: Person, unit: Unit, weekday: int | None, at: time | None, minutes: int | None
) -> MeetingSlot | None:
    """Set when a team's weekly OKR meeting is held (``weekday`` 0 = Monday, ``at`` local time
    in the team's time zone, ``minutes`` long), or clear it (``weekday`` and ``at`` None)."""
    if actor.organization_id != unit.organization_id:
        raise PermissionDenied("You are not part of this organization.")
    if unit.kind != Unit.Kind.TEAM:
        raise ValidationError({"weekday": "Only teams hold the weekly meeting."})
    if not can_set_slot(actor, unit):
        raise PermissionDenied(f"Only leads of {unit.name} or above and admins set its meeting.")
    slot = MeetingSlot.objects.select_for_update().filter(unit=unit).first()
    before = _slot_label(slot)
    if weekday is None and at is None:
        if slot is not None:
            slot.delete()
            slot = None
    else:
        errors = {}
        if weekday is None or not 0 <= weekday <= 6:
            errors["weekday"] = "Choose the day of the week."
        if at is None:
            errors["at"] = "Give the time the meeting starts."
        minutes = MeetingSlot.DEFAULT_MINUTES if minutes is None else minutes
        if not MeetingSlot.MIN_MINUTES <= minutes <= MeetingSlot.MAX_MINUTES:
            errors["minutes"] = (
                f"A meeting lasts {MeetingSlot.MIN_MINUTES} to {MeetingSlot.MAX_MINUTES} minutes."
            )
        if errors:
            raise ValidationError(errors)
        if slot is None:
            slot = MeetingSlot(organization_id=unit.organization_id, unit=unit)
        slot.weekday, slot.at, slot.minutes, slot.updated_by = weekday, at, minutes, actor
        slot.save()
    after = _slot_label(slot)
    if before != after:
        audit_record(
            organization=unit.organization_id,
            kind="unit.meeting_slot_changed",
            actor=actor,
            target=unit,
            changes={"meeting": [before, after]},
        )
    return slot
