"""What a team's weekly OKR check-in goes through (docs/method.md §4), read once for the meeting
page and for its presentation on a screen: (1) the status of each of its key results, (2) what
was learned and what got stuck last week, (3) the plans of the meeting's week, by person.

The meeting of week W looks back at week W−1 (what was learned, what got stuck) and at the plans
of week W (carried-over ones included).

``slides`` cuts the agenda into the presentation's slides, in the order the meeting takes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cadence.okrs import pages
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import PLANS, PROBLEMS, PROGRESS
from cadence.weekly.weeks import previous_week


def looks_back(category) -> bool:
    """What the meeting reads of last week: its Progress and Problems, and a custom category of
    lessons learned ("Lessons learned", "lessons")."""
    if category.unit_id is None and category.slug in (PROGRESS, PROBLEMS):
        return True
    return "lesson" in category.slug or "lesson" in category.name.lower()


@dataclass(frozen=True)
class Agenda:
    unit: Unit
    week: date  # the Monday of the meeting's week
    last_week: date  # the Monday of the week it looks back at
    next_week: date
    okr_cycle: Cycle | None
    board: okr_selectors.Board | None
    objectives: list[pages.ObjectiveRow]
    # (category, its items) of last week: Progress, Problems and lessons, the empty ones left out.
    looking_back: list[tuple]
    # (PersonWeek, its Plans items) of the meeting's week, for everyone in the report.
    plans: list[tuple]


def meeting_agenda(
    person: Person, unit: Unit, week: date, okr_cycle: Cycle | None, *, charts: bool = False
) -> Agenda:
    """The meeting of ``unit`` in ``week`` (its Monday) as ``person`` sees it. ``charts`` adds
    each key result's chart and latest check-ins (the presentation); without, the rows carry the
    histories' markers only (the page). A fixed number of queries whatever the team's size."""
    organization = person.organization
    objectives: list[pages.ObjectiveRow] = []
    board = None
    if okr_cycle is not None:
        board = okr_selectors.board_for_cycle(organization, okr_cycle, viewer=person)
        shown = board.by_unit().get(unit.id, [])
        histories = okr_selectors.key_result_histories_many(shown)
        details = (
            pages.chart_details(shown, histories, today=board.today)
            if charts
            else pages.history_details(histories)
        )
        access = Access(person, UnitTree.load(organization))
        rows = pages.board_rows(board, person, access, details=details)
        objectives = [rows[o.id] for o in shown]
    report_of = (
        weekly_selectors.team_report
        if unit.kind == Unit.Kind.TEAM
        else weekly_selectors.unit_report
    )
    last_week = report_of(organization, unit, previous_week(week), viewer=person)
    this_week = report_of(organization, unit, week, viewer=person)
    return Agenda(
        unit=unit,
        week=week,
        last_week=last_week.week,
        next_week=this_week.next_week,
        okr_cycle=okr_cycle,
        board=board,
        objectives=objectives,
        looking_back=[
            (category, items)
            for category, items in last_week.by_category
            if items and looks_back(category)
        ],
        plans=[
            (pw, [i for i in pw.items if i.category.unit_id is None and i.category.slug == PLANS])
            for pw in this_week.people
        ],
    )


# The presentation's slides ----------------------------------------------------------------


class Kind:
    OVERVIEW = "overview"
    KEY_RESULT = "key_result"
    KPIS = "kpis"
    LEARNED = "learned"
    PLANS = "plans"


@dataclass(frozen=True)
class Slide:
    number: int  # 1-based: the ?slide= of its address
    kind: str
    title: str
    objective: pages.ObjectiveRow | None = None
    kr: pages.KeyResultRow | None = None
    # For a key result's slide: its place among the key results discussed ("2 of 5").
    position: int = 0
    of: int = 0


def slides(agenda: Agenda, *, with_kpis: bool = False) -> list[Slide]:
    """The presentation in the meeting's order: where the key results stand at a glance, then
    one key result at a time (of the objectives still pursued), the team's KPIs when it keeps
    some, what was learned last week, and the plans of the meeting's week."""
    discussed = [(o, kr) for o in agenda.objectives if not o.objective.is_abandoned for kr in o.krs]
    out = [(Kind.OVERVIEW, "Where our key results stand", None, None, 0)]
    out += [(Kind.KEY_RESULT, kr.title, o, kr, i) for i, (o, kr) in enumerate(discussed, start=1)]
    if with_kpis:
        out.append((Kind.KPIS, "Our KPIs", None, None, 0))
    out.append((Kind.LEARNED, "What we learned last week", None, None, 0))
    out.append((Kind.PLANS, "The week ahead: who does what", None, None, 0))
    return [
        Slide(
            number=n,
            kind=kind,
            title=title,
            objective=o,
            kr=kr,
            position=position,
            of=len(discussed) if kind == Kind.KEY_RESULT else 0,
        )
        for n, (kind, title, o, kr, position) in enumerate(out, start=1)
    ]


def slide_number(raw: str | None, count: int) -> int:
    """The slide a ``?slide=`` asks for, kept within 1..count: a number past the end (a key
    result deleted since the link was made) is the last slide, anything else the first."""
    try:
        number = int(raw or "1")
    except ValueError:
        return 1
    return max(1, min(number, count))
