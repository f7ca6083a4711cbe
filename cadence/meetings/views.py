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
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.core.forms import submit
from cadence.core.htmx import keeping_cycle, query_object
from cadence.kpis import selectors as kpi_selectors
from cadence.meetings import selectors, services
from cadence.meetings.agenda import Kind, meeting_agenda, slide_number, slides
from cadence.meetings.forms import MeetingNoteForm
from cadence.okrs import selectors as okr_selectors
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.weeks import WeekError, format_week, parse_week, previous_week


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


def _week_asked(request: HttpRequest, unit: Unit):
    """The Monday of the week ``?week=`` names, else the week the unit's people write in now."""
    try:
        return (
            parse_week(request.GET["week"])
            if request.GET.get("week")
            else weekly_selectors.unit_current_week(unit)
        )
    except WeekError as error:
        raise Http404(str(error)) from error


@login_required
def team_meeting(request: HttpRequest, unit_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    unit = org_selectors.unit_get(organization, unit_id)
    week = _week_asked(request, unit)
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
    agenda = meeting_agenda(person, unit, week, cycle)
    objectives, board = agenda.objectives, agenda.board
    looking_back, plans = agenda.looking_back, agenda.plans
    earlier = [n for n in selectors.latest_notes(organization, unit, 6) if n.week != week][:5]
    context = {
        "unit": unit,
        "slot": selectors.meeting_slot_of(organization, unit),
        "cycle": cycle,
        "board": board,
        "objectives": objectives,
        "week": week,
        "week_label": format_week(week),
        "last_week_label": format_week(agenda.last_week),
        "previous_label": format_week(previous_week(week)),
        "next_label": format_week(agenda.next_week),
        "this_week_label": format_week(weekly_selectors.unit_current_week(unit)),
        "looking_back": looking_back,
        "plans": plans,
        "note": note,
        "earlier": earlier,
        # The team's KPIs, unhealthy first: a health check beside the key results.
        "kpis": kpi_selectors.kpi_rows(
            list(kpi_selectors.kpis_listed(organization, unit_ids=[unit.id])), viewer=request.user
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


# The meeting on a screen -----------------------------------------------------------------

# How long the meeting's timer runs when the team has not set its meeting's length
# (docs/method.md §4: 15–20 minutes; the short end keeps it a check-in).
TIMER_MINUTES = 15


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
def present_meeting(request: HttpRequest, unit_id) -> HttpResponse:
    """The meeting on a screen: one slide at a time (``?slide=N``, every slide an address of
    its own, with next and previous links), large type, a timer and the notes beside it.
    Every slide is in the page, the others hidden: app.js's presentation moves between them
    without reloading (so full screen, the timer and the notes being typed stay), and
    saves the notes as they are typed (a POST here asking for JSON)."""
    person = request.user
    organization = person.organization
    unit = org_selectors.unit_get(organization, unit_id)
    week = _week_asked(request, unit)
    week_label = format_week(week)
    can_write = services.can_write_notes(person, unit)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(
                f"Only members of {unit.name}, its leads and admins keep its notes."
            )
        form = MeetingNoteForm(request.POST)
        done = submit(
            request,
            form,
            lambda data: services.meeting_note_save(
                actor=person, unit=unit, week=week, text=data["text"]
            ),
        )
        if _wants_json(request):
            if done.saved:
                at = timezone.localtime(done.result.updated_at)
                return JsonResponse({"saved": True, "message": f"Notes saved at {at:%H:%M:%S}."})
            errors = [m for messages_ in form.errors.values() for m in messages_]
            return JsonResponse({"saved": False, "message": " ".join(errors)}, status=done.status)
        if done.saved:
            messages.success(request, f"Meeting notes of {week_label} saved.")
            query = {"week": week_label, "slide": request.GET.get("slide", "1")}
            url = reverse("present_meeting", args=[unit.id]) + "?" + urlencode(query)
            return redirect(keeping_cycle(request, url) + "#notes")
    else:
        note = selectors.note_of(organization, unit, week)
        form = MeetingNoteForm(initial={"text": note.text if note else ""})
        done = None

    okr_cycle = okr_selectors.cycle_for_request(organization, request.GET.get("cycle"))
    agenda = meeting_agenda(person, unit, week, okr_cycle, charts=True)
    kpis = kpi_selectors.kpi_rows(
        list(kpi_selectors.kpis_listed(organization, unit_ids=[unit.id])), viewer=request.user
    )
    shown = slides(agenda, with_kpis=bool(kpis))
    current = slide_number(request.GET.get("slide"), len(shown))
    slot = selectors.meeting_slot_of(organization, unit)
    base = reverse("present_meeting", args=[unit.id])
    cycle_query = (
        "&" + urlencode({"cycle": okr_cycle.id}) if okr_cycle and request.GET.get("cycle") else ""
    )
    context = {
        "unit": unit,
        "agenda": agenda,
        "okr_cycle": okr_cycle,
        "slides": shown,
        "current": current,
        "kinds": Kind,
        "kpis": kpis,
        "week_label": week_label,
        "last_week_label": format_week(agenda.last_week),
        "slide_url": f"{base}?week={week_label}{cycle_query}&slide=",
        "meeting_url": keeping_cycle(
            request, reverse("team_meeting", args=[unit.id]) + f"?week={week_label}"
        ),
        "timer_minutes": slot.minutes if slot else TIMER_MINUTES,
        "note": selectors.note_of(organization, unit, week),
        "form": form,
        "can_write": can_write,
    }
    return render(request, "meetings/present.html", context, status=done.status if done else 200)
