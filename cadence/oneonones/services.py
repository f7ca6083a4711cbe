"""Writes of 1:1s: keyword-only, permission-checked, validated before anything is written,
atomic, audited (that something changed — never what was written: admins read the audit trail,
and a 1:1's content is the two people's alone).

Only the two people of a pair change it; anyone else gets the same 404 as for a pair that does
not exist (``_require_one_of_the_two``), so that nobody learns what they may not read.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cadence.audit.services import audit_record
from cadence.core import emails
from cadence.core.errors import Conflict
from cadence.core.limits import FIRST_YEAR, LAST_YEAR
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.okrs.models import KeyResult, Objective
from cadence.oneonones import selectors
from cadence.oneonones.models import (
    MAX_ACTION,
    MAX_FEEDBACK,
    MAX_NOTE,
    MAX_POINT,
    ActionItem,
    Feedback,
    Meeting,
    Note,
    Pair,
    TalkingPoint,
)
from cadence.oneonones.schedule import FREQUENCIES
from cadence.orgs.models import Person


def _require_one_of_the_two(actor: Person, pair: Pair) -> str:
    """The actor's side (lead or member); anyone else is told the pair does not exist."""
    side = pair.side_of(actor)
    if side is None or actor.organization_id != pair.organization_id:
        raise Http404("No such 1:1.")
    if not actor.is_active:
        raise PermissionDenied("Your account is deactivated.")
    return side


def _clean_text(
    value: str, *, field: str, limit: int, blank: str, errors: dict | None = None
) -> str:
    """The text trimmed; refused (``ValidationError``) when blank, too long or holding NULs —
    or, given ``errors``, the refusal recorded there with the other fields'."""
    text = (value or "").strip()
    problem = None
    if not text:
        problem = blank
    elif len(text) > limit:
        problem = f"Keep it to {limit:,} characters or fewer."
    elif "\x00" in text:
        problem = "Remove the NUL characters."
    if problem and errors is None:
        raise ValidationError({field: problem})
    if problem:
        errors[field] = problem
    return text


def _schedule_errors(
    *, frequency: str, weekday: int | None, at: time | None, minutes: int | None, starts_on
) -> dict[str, str]:
    errors = {}
    if frequency not in FREQUENCIES:
        errors["frequency"] = "Choose every week, every two weeks or every month."
    if weekday is None or not 0 <= weekday <= 6:
        errors["weekday"] = "Choose the day of the week."
    if at is None:
        errors["at"] = "Give the time the 1:1 starts."
    if minutes is None or not Pair.MIN_MINUTES <= minutes <= Pair.MAX_MINUTES:
        errors["minutes"] = f"A 1:1 lasts {Pair.MIN_MINUTES} to {Pair.MAX_MINUTES} minutes."
    if starts_on is None or not FIRST_YEAR <= starts_on.year <= LAST_YEAR:
        errors["starts_on"] = f"Choose a first day from {FIRST_YEAR} to {LAST_YEAR}."
    return errors


def _schedule_label(pair: Pair) -> str:
    day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[pair.weekday]
    return (
        f"{pair.get_frequency_display()}, {day} {pair.at:%H:%M}, {pair.minutes} min, "
        f"from {pair.starts_on:%Y-%m-%d}"
    )


# Pairs -----------------------------------------------------------------------------------------


@transaction.atomic
def pair_create(
    *,
    actor: Person,
    member: Person,
    frequency: str,
    weekday: int,
    at: time,
    minutes: int | None = None,
    starts_on: date | None = None,
) -> Pair:
    """Set up a recurring 1:1 between ``actor`` (the lead) and ``member``, a person in a unit
    the actor leads or below it. The time is in the lead's time zone."""
    if member.organization_id != actor.organization_id:
        raise ValidationError({"member": "Choose one of the people you lead."})
    if not selectors.can_lead_one_on_one(actor, member):
        if actor.is_viewer or not actor.is_active:
            raise PermissionDenied("Viewers do not keep 1:1s.")
        raise ValidationError(
            {"member": "Choose a person in a team you lead (or in a unit below it)."}
        )
    minutes = Pair.DEFAULT_MINUTES if minutes is None else minutes
    starts_on = starts_on or timezone.localdate()
    errors = _schedule_errors(
        frequency=frequency, weekday=weekday, at=at, minutes=minutes, starts_on=starts_on
    )
    if errors:
        raise ValidationError(errors)
    if Pair.objects.filter(lead=actor, member=member).exists():
        raise Conflict({"member": f"You already keep a 1:1 with {member.name}."})
    try:
        with transaction.atomic():
            pair = Pair.objects.create(
                organization_id=actor.organization_id,
                lead=actor,
                member=member,
                frequency=frequency,
                weekday=weekday,
                at=at,
                minutes=minutes,
                starts_on=starts_on,
            )
    except IntegrityError as exc:
        raise Conflict({"member": f"You already keep a 1:1 with {member.name}."}) from exc
    audit_record(
        organization=actor.organization_id,
        kind="one_on_one.created",
        actor=actor,
        target=pair,
        changes={"schedule": [None, _schedule_label(pair)]},
    )
    return pair


@transaction.atomic
def pair_schedule_set(
    *,
    actor: Person,
    pair: Pair,
    frequency: str,
    weekday: int,
    at: time,
    minutes: int,
    starts_on: date,
) -> Pair:
    """Change when the two meet (either of them may)."""
    _require_one_of_the_two(actor, pair)
    errors = _schedule_errors(
        frequency=frequency, weekday=weekday, at=at, minutes=minutes, starts_on=starts_on
    )
    if errors:
        raise ValidationError(errors)
    pair = Pair.objects.select_for_update().select_related("lead", "member").get(pk=pair.pk)
    before = _schedule_label(pair)
    pair.frequency, pair.weekday, pair.at = frequency, weekday, at
    pair.minutes, pair.starts_on = minutes, starts_on
    pair.save()
    after = _schedule_label(pair)
    if before != after:
        audit_record(
            organization=pair.organization_id,
            kind="one_on_one.schedule_changed",
            actor=actor,
            target=pair,
            changes={"schedule": [before, after]},
        )
    return pair


# Meetings --------------------------------------------------------------------------------------


def _meeting_at(*, actor: Person, pair: Pair, at: datetime) -> Meeting:
    """The pair's meeting at ``at``, made if it is not there yet (a second maker finds it)."""
    meeting = Meeting.objects.filter(pair=pair, at=at).first()
    if meeting is not None:
        return meeting
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(organization_id=pair.organization_id, pair=pair, at=at)
    except IntegrityError:
        return Meeting.objects.get(pair=pair, at=at)
    audit_record(
        organization=pair.organization_id,
        kind="one_on_one.meeting_added",
        actor=actor,
        target=meeting,
        target_label=str(pair),
        changes={"at": [None, at.isoformat()]},
    )
    return meeting


@transaction.atomic
def meeting_create(
    *, actor: Person, pair: Pair, at: datetime | None = None, now: datetime | None = None
) -> Meeting:
    """The pair's meeting at ``at`` (aware), or at its next scheduled time. Asking again for
    the same moment answers the same meeting."""
    _require_one_of_the_two(actor, pair)
    if at is None:
        at = selectors.next_meeting_at(pair, now)
    if timezone.is_naive(at):
        raise ValidationError({"at": "Give the time with its time zone."})
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise ValidationError({"at": f"Choose a day from {FIRST_YEAR} to {LAST_YEAR}."})
    return _meeting_at(actor=actor, pair=pair, at=at)


def _meeting_or_next(
    *, actor: Person, pair: Pair, meeting: Meeting | None, now: datetime | None
) -> Meeting:
    if meeting is None:
        return _meeting_at(actor=actor, pair=pair, at=selectors.next_meeting_at(pair, now))
    if meeting.pair_id != pair.pk:
        raise Http404("No such meeting.")
    return meeting


# Talking points, notes, action items -------------------------------------------------------


@transaction.atomic
def talking_point_add(
    *,
    actor: Person,
    pair: Pair,
    text: str,
    meeting: Meeting | None = None,
    now: datetime | None = None,
) -> TalkingPoint:
    """Either of the two adds a talking point to a meeting (by default the next one)."""
    _require_one_of_the_two(actor, pair)
    text = _clean_text(text, field="text", limit=MAX_POINT, blank="Write the talking point.")
    meeting = _meeting_or_next(actor=actor, pair=pair, meeting=meeting, now=now)
    point = TalkingPoint.objects.create(
        organization_id=pair.organization_id, meeting=meeting, author=actor, text=text
    )
    audit_record(
        organization=pair.organization_id,
        kind="one_on_one.talking_point_added",
        actor=actor,
        target=point,
        target_label=str(pair),
    )
    return point


@transaction.atomic
def note_add(
    *,
    actor: Person,
    pair: Pair,
    text: str,
    private: bool = False,
    meeting: Meeting | None = None,
    now: datetime | None = None,
) -> Note:
    """A note of a meeting (by default the next one): shared with the other, or private (only
    its writer ever reads it)."""
    _require_one_of_the_two(actor, pair)
    text = _clean_text(text, field="text", limit=MAX_NOTE, blank="Write the note.")
    meeting = _meeting_or_next(actor=actor, pair=pair, meeting=meeting, now=now)
    note = Note.objects.create(
        organization_id=pair.organization_id,
        meeting=meeting,
        author=actor,
        text=text,
        private=bool(private),
    )
    audit_record(
        organization=pair.organization_id,
        kind="one_on_one.note_added",
        actor=actor,
        target=note,
        target_label=str(pair),
        changes={"private": [None, note.private]},
    )
    return note


@transaction.atomic
def note_update(*, actor: Person, note: Note, text: str, private: bool | None = None) -> Note:
    """Its writer rewrites a note (or makes it shared or private). Nobody else may: the other
    of the two is refused, anyone else does not find it."""
    note = Note.objects.select_for_update().select_related("meeting__pair").get(pk=note.pk)
    pair = note.meeting.pair
    _require_one_of_the_two(actor, pair)
    if note.author_id != actor.pk:
        if note.private:
            raise Http404("No such note.")
        raise PermissionDenied("Only its writer changes a note.")
    text = _clean_text(text, field="text", limit=MAX_NOTE, blank="Write the note.")
    before_private = note.private
    changed_text = text != note.text
    note.text = text
    if private is not None:
        note.private = bool(private)
    note.save(update_fields=["text", "private", "updated_at"])
    changes: dict = {}
    if changed_text:
        changes["text"] = ["(changed)", "(changed)"]
    if before_private != note.private:
        changes["private"] = [before_private, note.private]
    if changes:
        audit_record(
            organization=pair.organization_id,
            kind="one_on_one.note_changed",
            actor=actor,
            target=note,
            target_label=str(pair),
            changes=changes,
        )
    return note


@transaction.atomic
def action_item_add(
    *,
    actor: Person,
    pair: Pair,
    owner: str,
    text: str,
    meeting: Meeting | None = None,
    now: datetime | None = None,
) -> ActionItem:
    """Something the lead or the member will do, raised in a meeting (by default the next one).
    It stays on every later meeting until ticked."""
    _require_one_of_the_two(actor, pair)
    errors = {}
    if owner not in ActionItem.Owner.values:
        errors["owner"] = "Choose who does it: the lead or the member."
    text = _clean_text(
        text, field="text", limit=MAX_ACTION, blank="Write what is to be done.", errors=errors
    )
    if errors:
        raise ValidationError(errors)
    meeting = _meeting_or_next(actor=actor, pair=pair, meeting=meeting, now=now)
    item = ActionItem.objects.create(
        organization_id=pair.organization_id,
        pair=pair,
        raised_in=meeting,
        owner=owner,
        text=text,
        author=actor,
    )
    audit_record(
        organization=pair.organization_id,
        kind="one_on_one.action_item_added",
        actor=actor,
        target=item,
        target_label=str(pair),
        changes={"owner": [None, owner]},
    )
    return item


@transaction.atomic
def action_item_tick(
    *,
    actor: Person,
    item: ActionItem,
    done: bool = True,
    meeting: Meeting | None = None,
    now: datetime | None = None,
) -> ActionItem:
    """Tick an action item done (in ``meeting``, by default the next one: it shows there as
    done and on no later meeting), or untick it (it is carried on again)."""
    item = (
        ActionItem.objects.select_for_update().select_related("pair", "raised_in").get(pk=item.pk)
    )
    pair = item.pair
    _require_one_of_the_two(actor, pair)
    if done == item.done:
        return item
    if done:
        meeting = _meeting_or_next(actor=actor, pair=pair, meeting=meeting, now=now)
        if meeting.at < item.raised_in.at:
            raise Conflict({"done": "It was raised in a later meeting: tick it there."})
        item.done_at, item.done_in = now or timezone.now(), meeting
    else:
        item.done_at, item.done_in = None, None
    item.save(update_fields=["done_at", "done_in", "updated_at"])
    audit_record(
        organization=pair.organization_id,
        kind="one_on_one.action_item_done" if done else "one_on_one.action_item_reopened",
        actor=actor,
        target=item,
        target_label=str(pair),
        changes={"done": [not done, done]},
    )
    return item


# Feedback --------------------------------------------------------------------------------------


@transaction.atomic
def feedback_add(
    *,
    actor: Person,
    pair: Pair,
    text: str,
    objective: Objective | None = None,
    key_result: KeyResult | None = None,
) -> Feedback:
    """Either of the two records how the member contributed to the team's and the company's
    OKRs, optionally about one objective or key result of the organization."""
    _require_one_of_the_two(actor, pair)
    errors = {}
    text = _clean_text(
        text, field="text", limit=MAX_FEEDBACK, blank="Write the feedback itself.", errors=errors
    )
    if objective is not None and objective.organization_id != pair.organization_id:
        errors["objective_id"] = "Choose one of your organization's."
    if key_result is not None and key_result.organization_id != pair.organization_id:
        errors["key_result_id"] = "Choose one of your organization's."
    if errors:
        raise ValidationError(errors)
    if key_result is not None and objective is None:
        objective = key_result.objective
    elif key_result is not None and key_result.objective_id != objective.pk:
        raise ValidationError({"key_result_id": "Choose a key result of that objective."})
    feedback = Feedback.objects.create(
        organization_id=pair.organization_id,
        pair=pair,
        author=actor,
        text=text,
        objective=objective,
        key_result=key_result,
    )
    audit_record(
        organization=pair.organization_id,
        kind="one_on_one.feedback_added",
        actor=actor,
        target=feedback,
        target_label=str(pair),
    )
    return feedback


# Reminders (the worker) ------------------------------------------------------------------------


def _when(local: datetime) -> str:
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M} ({local.tzinfo})"


def reminder_key(pair: Pair, at: datetime, person: Person) -> str:
    """The mail queue's key of one person's reminder of one occurrence: queued once, ever."""
    return f"oneonone:{pair.pk}:{int(at.timestamp())}:{person.pk}"


def reminders_queue_due(*, now: datetime | None = None) -> int:
    """Queue the reminder of every 1:1 starting within ``schedule.REMINDER_BEFORE`` to both of
    its people, once per occurrence and person whoever else runs at the same moment (the mail
    queue's unique key). Returns how many emails this call queued."""
    now = now or timezone.now()
    queued = 0
    pairs = Pair.objects.filter(lead__is_active=True, member__is_active=True).select_related(
        "lead", "member", "lead__organization"
    )
    for pair in pairs.iterator(chunk_size=500):
        at = selectors.schedule_of(pair).reminder_due(now)
        if at is None:
            continue
        people = [pair.lead, pair.member]
        keys = {reminder_key(pair, at, p): p for p in people}
        sent = set(Delivery.objects.filter(key__in=list(keys)).values_list("key", flat=True))
        for key, person in keys.items():
            if key in sent:
                continue
            other = pair.member if person.pk == pair.lead_id else pair.lead
            local = at.astimezone(zoneinfo.ZoneInfo(selectors.time_zone_of(pair.lead)))
            with transaction.atomic():
                queued += mail_services.delivery_enqueue(
                    kind=Delivery.Kind.ONE_ON_ONE,
                    person=person,
                    key=key,
                    template="one_on_one_reminder",
                    context={
                        "person": person,
                        "other": other,
                        "when": _when(local),
                        "minutes": pair.minutes,
                        "pair_url": emails.absolute_url(reverse("one_on_one", args=[pair.pk])),
                    },
                )
    return queued


def worker_turn(*, now: datetime | None = None) -> str:
    """``scheduling.hooks.worker_turn``: the 1:1 reminders that fell due."""
    queued = reminders_queue_due(now=now)
    if not queued:
        return ""
    return f"Queued {queued} 1:1 reminder{'s' if queued != 1 else ''}."
