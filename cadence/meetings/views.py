"""The weekly OKR check-in meeting of a team (docs/method.md §4): (1) the status of each of its key
results — pace, confidence, change since last week, stalled, stale, dropped — with the inline
check-in; (2) last week's lessons learned and problems; (3) the week's plans by person; and the
meeting's notes, saved per week and shown with the team's OKRs.

The meeting of week W looks back at week W−1 (what was learned, what got stuck) and at the plans
of week W (carried-over ones included)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cadence.core.forms import submit
from cadence.core.htmx import keeping_cycle, query_object
from cadence.kpis import selectors as kpi_selectors
from cadence.meetings import selectors, services
from cadence.meetings.forms import MeetingNoteForm
from cadence.okrs import pages
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import PLANS, PROBLEMS, PROGRESS
from cadence.weekly.weeks import WeekError, format_week, parse_week, previous_week


def _looks_back(category) -> bool:
    """What the meeting reads of last week: its Progress and Problems, and a custom category of
    lessons learned ("Lessons learned", "lessons")."""
    if category.unit_id is None and category.slug in (PROGRESS, PROBLEMS):
        return True
    return "lesson" in category.slug or "lesson" in category.name.lower()


@login_required
def my_meeting(request: HttpRequest) -> HttpResponse:
    """/meeting/: the meeting of my primary team; with ``?team=<id>``, that team's; with
    ``?choose`` (or outside any team, as an admin often is) the list of every team to pick from."""
    person = request.user
    organization = person.organization
    chosen = query_object(request, "team", org_selectors.unit_get, organization)
    team = chosen or (
        None if "choose" in request.GET else weekly_selectors.primary_team(request.user)
    )
    if team is not None:
        url = reverse("team_meeting", args=[team.id])
        week = request.GET.get("week", "")
        if week:
            url += "?" + urlencode({"week": week})
        return redirect(keeping_cycle(request, url))
    tree = UnitTree.load(organization)
    mine = set(Access(person, tree).memberships)
    context = {
        "units": [
            {"unit": unit, "depth": depth, "mine": unit.id in mine} for unit, depth in tree.walk()
        ],
        "in_a_team": any(tree.units[u].kind == Unit.Kind.TEAM for u in mine if u in tree.units),
        "cycle_query": keeping_cycle(request, ""),
        "nav": "meeting",
    }
    return render(request, "meetings/choose.html", context)


@login_required
def team_meeting(request: HttpRequest, unit_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    unit = org_selectors.unit_get(organization, unit_id)
    try:
        week = (
            parse_week(request.GET["week"])
            if request.GET.get("week")
            else weekly_selectors.unit_current_week(unit)
        )
    except WeekError as error:
        raise Http404(str(error)) from error
    can_write = services.can_write_notes(person, unit)
    note = selectors.note_of(organization, unit, week)
    if request.method == "POST" and not can_write:
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins keep notes.")
    form = MeetingNoteForm(
        request.POST if request.method == "POST" else None,
        initial={"text": note.text if note else ""},
    )
    done = submit(
        request,
        form,
        lambda data: services.meeting_note_save(
            actor=person, unit=unit, week=week, text=data["text"]
        ),
    )
    if done.saved:
        messages.success(request, f"Meeting notes of {format_week(week)} saved.")
        url = reverse("team_meeting", args=[unit.id])
        url = keeping_cycle(request, f"{url}?week={format_week(week)}")
        return redirect(f"{url}#notes")

    cycle = okr_selectors.cycle_for_request(organization, request.GET.get("cycle"))
    tree = UnitTree.load(organization)
    access = Access(person, tree)
    objectives = []
    board = None
    if cycle is not None:
        board = okr_selectors.board_for_cycle(organization, cycle)
        shown = board.by_unit().get(unit.id, [])
        histories = okr_selectors.key_result_histories_many(shown)
        rows = pages.board_rows(board, person, access, details=pages.history_details(histories))
        objectives = [rows[o.id] for o in shown]
    is_team = unit.kind == Unit.Kind.TEAM
    report_of = weekly_selectors.team_report if is_team else weekly_selectors.unit_report
    last_week = report_of(organization, unit, previous_week(week))
    this_week = report_of(organization, unit, week)
    looking_back = [
        (category, items)
        for category, items in last_week.by_category
        if items and _looks_back(category)
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
        "slot": selectors.meeting_slot_of(organization, unit),
        "cycle": cycle,
        "board": board,
        "objectives": objectives,
        "week": week,
        "week_label": format_week(week),
        "last_week_label": format_week(last_week.week),
        "previous_label": format_week(previous_week(week)),
        "next_label": format_week(this_week.next_week),
        "this_week_label": format_week(weekly_selectors.unit_current_week(unit)),
        "looking_back": looking_back,
        "plans": plans,
        "note": note,
        "earlier": earlier,
        # The team's KPIs, unhealthy first: a health check beside the key results.
        "kpis": kpi_selectors.kpi_rows(
            list(kpi_selectors.kpis_listed(organization, unit_ids=[unit.id]))
        ),
        "form": form,
        "can_write": can_write,
        "here": request.get_full_path(),
        # The cycle chosen in the header, kept by the week links.
        "cycle_param": f"&cycle={cycle.id}" if cycle and request.GET.get("cycle") else "",
        "nav": "meeting",
        "cycle_switch_action": reverse("team_meeting", args=[unit.id]),
    }
    return render(request, "meetings/meeting.html", context, status=done.status)
