"""The 1:1 pages: a person's 1:1s (as lead and as member), one pair's page (the next meeting's
agenda, its talking points, notes and action items, feedback and the history), a past meeting's
page, and the htmx writes. Only the two people of a pair see any of it: to anyone else, admins
included, every page of a pair is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.core.forms import submit
from cadence.core.htmx import is_htmx, post_only
from cadence.okrs import selectors as okr_selectors
from cadence.oneonones import forms, selectors, services
from cadence.oneonones.models import Meeting, Pair
from cadence.orgs import selectors as org_selectors
from cadence.weekly.forms import parse_link


@login_required
def one_on_ones(request: HttpRequest) -> HttpResponse:
    """/one-on-ones/: my 1:1s as lead and as member; a lead sets up a new one here."""
    person = request.user
    people = selectors.people_to_pair_with(person)
    form = forms.PairForm(request.POST if request.method == "POST" else None, people=people)

    def create(data):
        member = org_selectors.person_get(person.organization, data["member"])
        return services.pair_create(
            actor=person,
            member=member,
            frequency=data["frequency"],
            weekday=data["weekday"],
            at=data["at"],
            minutes=data["minutes"],
            starts_on=data["starts_on"],
        )

    done = submit(request, form, create)
    if done.saved:
        messages.success(request, f"1:1 with {done.result.member.name} set up.")
        return redirect("one_on_one", pair_id=done.result.pk)
    now = timezone.now()
    pairs = list(selectors.pairs_of(person))
    rows = [{"pair": p, "next": selectors.next_meeting_at(p, now)} for p in pairs]
    context = {
        "as_lead": [r for r in rows if r["pair"].lead_id == person.pk],
        "as_member": [r for r in rows if r["pair"].member_id == person.pk],
        "form": form,
        "can_create": bool(people),
        # An admin learns how many 1:1s the organization keeps, nothing of them.
        "kept_in_organization": (
            selectors.pairs_in_organization_count(person.organization) if person.is_admin else None
        ),
        "time_zone": selectors.time_zone_of(person),
        "nav": "one_on_ones",
    }
    return render(request, "oneonones/list.html", context, status=done.status)


def _panel_context(request, pair: Pair, at, *, is_next: bool, form_errors=None) -> dict:
    person = request.user
    view = selectors.meeting_view(pair, person, at)
    meeting_value = str(view.meeting.pk) if view.meeting else ""
    initial = {"meeting": meeting_value}
    context = {
        "pair": pair,
        "view": view,
        "is_next": is_next,
        "side": pair.side_of(person),
        "meeting_value": meeting_value,
        "time_zone": selectors.time_zone_of(pair.lead),
        "point_form": forms.TalkingPointForm(initial=initial),
        "note_form": forms.NoteForm(initial=initial),
        "item_form": forms.ActionItemForm(initial=initial),
    }
    context.update(form_errors or {})
    return context


def _feedback_context(pair: Pair, viewer, form=None) -> dict:
    return {
        "pair": pair,
        "feedback": selectors.feedback_of(pair, viewer=viewer),
        "time_zone": selectors.time_zone_of(pair.lead),
        "feedback_form": form
        or forms.FeedbackForm(about_choices=selectors.feedback_subjects(pair, viewer=viewer)),
    }


def _pair_page(request, pair: Pair, status: int = 200, **errors) -> HttpResponse:
    now = timezone.now()
    at = selectors.next_meeting_at(pair, now)
    context = _panel_context(request, pair, at, is_next=True, form_errors=errors)
    context.update(_feedback_context(pair, request.user, errors.get("feedback_form")))
    context.update(
        {
            "history": selectors.past_meetings(pair, at),
            "later": list(selectors.meetings_of(pair).filter(at__gt=at)),
            "time_zone": selectors.time_zone_of(pair.lead),
            "nav": "one_on_ones",
        }
    )
    return render(request, "oneonones/pair.html", context, status=status)


def _meeting_page(request, pair: Pair, meeting: Meeting, status: int = 200, **errors):
    at = selectors.next_meeting_at(pair)
    context = _panel_context(
        request, pair, meeting.at, is_next=meeting.at == at, form_errors=errors
    )
    context.update(
        {
            "meeting": meeting,
            "time_zone": selectors.time_zone_of(pair.lead),
            "nav": "one_on_ones",
        }
    )
    return render(request, "oneonones/meeting.html", context, status=status)


@login_required
def one_on_one(request: HttpRequest, pair_id) -> HttpResponse:
    """A pair's page: the next 1:1 and its agenda, feedback, the meetings held before."""
    return _pair_page(request, selectors.pair_get(request.user, pair_id))


@login_required
def one_on_one_meeting(request: HttpRequest, pair_id, meeting_id) -> HttpResponse:
    """One meeting of a pair (a past one, usually): what was talked about, noted and agreed."""
    pair = selectors.pair_get(request.user, pair_id)
    return _meeting_page(request, pair, selectors.meeting_get(pair, meeting_id))


def _meeting_asked(pair: Pair, form) -> Meeting | None:
    """The meeting a form names (a foreign or unknown id is a 404), or None for the next."""
    value = form.data.get("meeting") or ""
    return selectors.meeting_get(pair, value) if value else None


def _answer_panel(request, pair: Pair, meeting: Meeting | None, status=200, **errors):
    """After a write: the meeting's panel again (htmx), or the page (back to it when saved,
    with the form's errors when not)."""
    if meeting is None:
        at, is_next = selectors.next_meeting_at(pair), True
    else:
        at, is_next = meeting.at, meeting.at == selectors.next_meeting_at(pair)
    if is_htmx(request):
        context = _panel_context(request, pair, at, is_next=is_next, form_errors=errors)
        return render(request, "oneonones/_panel.html#panel", context, status=status)
    if status != 200:
        if meeting is not None and not is_next:
            return _meeting_page(request, pair, meeting, status, **errors)
        return _pair_page(request, pair, status, **errors)
    if meeting is not None and not is_next:
        return redirect("one_on_one_meeting", pair_id=pair.pk, meeting_id=meeting.pk)
    return redirect("one_on_one", pair_id=pair.pk)


def _panel_write(request, pair_id, form_class, form_key, save):
    person = request.user
    pair = selectors.pair_get(person, pair_id)
    if refused := post_only(request):
        return refused
    form = form_class(request.POST)
    meeting = _meeting_asked(pair, form)
    done = submit(request, form, lambda data: save(person, pair, meeting, data))
    if done.saved:
        return _answer_panel(request, pair, meeting)
    return _answer_panel(request, pair, meeting, done.status, **{form_key: form})


@login_required
def talking_point_add(request: HttpRequest, pair_id) -> HttpResponse:
    return _panel_write(
        request,
        pair_id,
        forms.TalkingPointForm,
        "point_form",
        lambda person, pair, meeting, data: services.talking_point_add(
            actor=person, pair=pair, meeting=meeting, text=data["text"]
        ),
    )


@login_required
def note_add(request: HttpRequest, pair_id) -> HttpResponse:
    return _panel_write(
        request,
        pair_id,
        forms.NoteForm,
        "note_form",
        lambda person, pair, meeting, data: services.note_add(
            actor=person, pair=pair, meeting=meeting, text=data["text"], private=data["private"]
        ),
    )


@login_required
def action_item_add(request: HttpRequest, pair_id) -> HttpResponse:
    return _panel_write(
        request,
        pair_id,
        forms.ActionItemForm,
        "item_form",
        lambda person, pair, meeting, data: services.action_item_add(
            actor=person, pair=pair, meeting=meeting, owner=data["owner"], text=data["text"]
        ),
    )


@login_required
def action_item_tick(request: HttpRequest, pair_id, item_id) -> HttpResponse:
    person = request.user
    pair = selectors.pair_get(person, pair_id)
    item = selectors.action_item_get(pair, item_id)
    if refused := post_only(request):
        return refused
    form = forms.TickForm(request.POST)
    meeting = _meeting_asked(pair, form)
    done = submit(
        request,
        form,
        lambda data: services.action_item_tick(
            actor=person, item=item, done=data["done"], meeting=meeting
        ),
    )
    if not done.saved:
        messages.error(request, " ".join(m for ms in form.errors.values() for m in ms))
    return _answer_panel(request, pair, meeting)


@login_required
def feedback_add(request: HttpRequest, pair_id) -> HttpResponse:
    person = request.user
    pair = selectors.pair_get(person, pair_id)
    if refused := post_only(request):
        return refused
    form = forms.FeedbackForm(
        request.POST, about_choices=selectors.feedback_subjects(pair, viewer=person)
    )

    def save(data):
        objective = key_result = None
        link = parse_link(data.get("about") or "")
        if link and link[0] == "o":
            objective = okr_selectors.objective_get(person.organization, link[1], viewer=person)
        elif link:
            key_result = okr_selectors.key_result_get(person.organization, link[1], viewer=person)
        return services.feedback_add(
            actor=person, pair=pair, text=data["text"], objective=objective, key_result=key_result
        )

    done = submit(request, form, save)
    if done.saved and not is_htmx(request):
        messages.success(request, "Feedback recorded.")
        return redirect(reverse("one_on_one", args=[pair.pk]) + "#feedback")
    if not is_htmx(request):
        return _pair_page(request, pair, done.status, feedback_form=form)
    context = _feedback_context(pair, person, None if done.saved else form)
    return render(request, "oneonones/pair.html#feedback", context, status=done.status)
