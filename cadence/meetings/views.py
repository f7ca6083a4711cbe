"""The weekly OKR check-in meeting of a team (method.md §4): (1) the status of each of its key
results — pace, confidence, change since last week, stalled, stale, dropped — with the inline
check-in; (2) last week's lessons learned and problems; (3) the week's plans by person; and the
meeting's notes, saved per week and shown with the team's OKRs.

The meeting of week W looks back at week W−1 (what was learned, what got stuck) and at the plans
of week W (carried-over ones included)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.meetings import selectors, services
from cadence.meetings.forms import MeetingNoteForm
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.forms import add_service_error
from cadence.okrs.views import decorate_board
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import PLANS, PROBLEMS
from cadence.weekly.weeks import WeekError, format_week, parse_week, previous_week, week_of

UNPROCESSABLE = 422


def _is_lessons_or_problems(category) -> bool:
    """Problems, and a custom category of lessons learned ("Lessons learned", "lessons")."""
    if category.unit_id is None and category.slug == PROBLEMS:
        return True
    return "lesson" in category.slug or "lesson" in category.name.lower()


@login_required
def my_meeting(request: HttpRequest) -> HttpResponse:
    """/meeting/: the meeting of my primary team."""
    team = weekly_selectors.primary_team(request.user)
    if team is None:
        messages.info(request, "You are not in a team yet: the weekly meeting is a team's.")
        return redirect("dashboard")
    return redirect("team_meeting", unit_id=team.id)


@login_required
def team_meeting(request: HttpRequest, unit_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    unit = org_selectors.unit_get(organization, unit_id)
    try:
        week = (
            parse_week(request.GET["week"])
            if request.GET.get("week")
            else week_of(timezone.now(), unit.time_zone)
        )
    except WeekError as error:
        raise Http404(str(error)) from error
    can_write = services.can_write_notes(person, unit)
    note = selectors.note_of(organization, unit, week)
    status = 200
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(f"Only members of {unit.name}, its leads and admins keep notes.")
        form = MeetingNoteForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_note_save(
                    actor=person, unit=unit, week=week, text=form.cleaned_data["text"]
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Meeting notes of {format_week(week)} saved.")
                url = reverse("team_meeting", args=[unit.id])
                return redirect(f"{url}?week={format_week(week)}#notes")
        status = UNPROCESSABLE
    else:
        form = MeetingNoteForm(initial={"text": note.text if note else ""})

    cycle = okr_selectors.cycle_for_request(organization, request.GET.get("cycle"))
    tree = UnitTree.load(organization)
    access = Access(person, tree)
    objectives = []
    board = None
    if cycle is not None:
        board = okr_selectors.board_for_cycle(organization, cycle)
        decorate_board(board, person, access)
        objectives = board.by_unit().get(unit.id, [])
        histories = okr_selectors.key_result_histories_many(objectives)
        for objective in objectives:
            for kr in objective.krs:
                kr.history = histories[kr.id]
    is_team = unit.kind == Unit.Kind.TEAM
    report_of = weekly_selectors.team_report if is_team else weekly_selectors.unit_report
    last_week = report_of(organization, unit, previous_week(week))
    this_week = report_of(organization, unit, week)
    looking_back = [
        (category, items)
        for category, items in last_week.by_category
        if items and _is_lessons_or_problems(category)
    ]
    plans = [
        (
            pw,
            [i for i in pw.items if i.category.unit_id is None and i.category.slug == PLANS],
        )
        for pw in this_week.people
    ]
    earlier = [n for n in selectors.latest_notes(organization, unit, 6) if n.week != week][:5]
    context = {
        "unit": unit,
        "cycle": cycle,
        "board": board,
        "objectives": objectives,
        "week": week,
        "week_label": format_week(week),
        "last_week_label": format_week(last_week.week),
        "previous_label": format_week(previous_week(week)),
        "next_label": format_week(this_week.next_week),
        "this_week_label": format_week(week_of(timezone.now(), unit.time_zone)),
        "looking_back": looking_back,
        "plans": plans,
        "note": note,
        "earlier": earlier,
        "form": form,
        "can_write": can_write,
        "here": request.get_full_path(),
        "nav": "meeting",
        "cycle_switch_action": reverse("team_meeting", args=[unit.id]),
    }
    return render(request, "meetings/meeting.html", context, status=status)
