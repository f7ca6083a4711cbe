from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from cadence.demo import content
from cadence.demo.loader import find_demo, load_demo, quarter_of
from cadence.okrs import selectors
from cadence.okrs.models import CheckIn, Cycle, KeyResult, Objective
from cadence.orgs.models import Membership, Organization, Person, Unit
from tests import factories as f
from tests.demo.conftest import TODAY


def _objective(org, title: str) -> Objective:
    return Objective.objects.get(organization=org, title=title)


def _spec_title(key: str) -> str:
    return next(o.title for o in content.OBJECTIVES if o.key == key)


def _kr(org, key: str) -> KeyResult:
    title = next(k.title for o in content.OBJECTIVES for k in o.key_results if k.key == key)
    return KeyResult.objects.get(organization=org, title=title)


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organization, Person, Unit, Membership, Cycle, Objective, KeyResult, CheckIn)
    }


def test_people_units_and_memberships(demo):
    people = Person.objects.filter(organization=demo)
    assert 15 <= people.count() <= 30
    admin = people.get(email="admin@example.com")
    assert admin.role == Person.Role.ADMIN
    assert people.filter(role=Person.Role.VIEWER).count() == 1

    units = {u.name: u for u in Unit.objects.filter(organization=demo)}
    company = units["Northwind Labs"]
    assert company.kind == Unit.Kind.COMPANY
    departments = {"Product & Engineering", "Go-to-market", "Operations"}
    assert {n for n, u in units.items() if u.kind == Unit.Kind.DEPARTMENT} == departments
    for name in departments:
        assert units[name].parent == company
    teams = {
        "Product": "Product & Engineering",
        "Engineering": "Product & Engineering",
        "Marketing": "Go-to-market",
        "Sales": "Go-to-market",
        "Customer Success": "Go-to-market",
        "Finance": "Operations",
    }
    assert {n for n, u in units.items() if u.kind == Unit.Kind.TEAM} == set(teams)
    for team, department in teams.items():
        assert units[team].parent == units[department]
        memberships = Membership.objects.filter(unit=units[team])
        assert memberships.filter(role=Membership.Role.LEAD).count() == 1
        assert memberships.filter(role=Membership.Role.MEMBER).count() >= 1


def test_demo_logins_work_with_the_demo_password(demo):
    for spec in content.PEOPLE:
        person = authenticate(username=spec.email, password=content.DEMO_PASSWORD)
        if spec.login:
            assert person is not None and person.email == spec.email
        else:
            assert person is None


def test_cycles_follow_today(demo):
    cycles = {c.name: c for c in Cycle.objects.filter(organization=demo)}
    # Q1 2027: the next quarter, being planned (proposed, returned and approved objectives).
    assert set(cycles) == {"2026", "Q3 2026", "Q4 2026", "Q1 2027"}
    assert (cycles["Q1 2027"].start, cycles["Q1 2027"].end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert (cycles["Q4 2026"].start, cycles["Q4 2026"].end) == (
        date(2026, 10, 1),
        date(2026, 12, 31),
    )
    assert (cycles["Q3 2026"].start, cycles["Q3 2026"].end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert cycles["2026"].kind == Cycle.Kind.YEAR
    assert selectors.cycle_current(demo, TODAY) == cycles["Q4 2026"]


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 5, 31), (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30))),
        (date(2026, 12, 31), (date(2026, 10, 1), date(2026, 12, 31))),
    ],
)
def test_quarter_of(day, expected):
    assert quarter_of(day) == expected


def test_the_demo_has_kpis_and_one_unhealthy_with_its_recovery_objective(demo):
    from cadence.kpis.models import Kpi, KpiCrossing

    kpis = Kpi.objects.filter(organization=demo)
    assert kpis.count() >= 4 and kpis.values("unit").distinct().count() >= 3
    assert all(k.values.count() >= 3 and k.status for k in kpis)
    unhealthy = kpis.get(status=Kpi.Status.UNHEALTHY)
    recovery = unhealthy.recovery_objective
    assert recovery is not None and recovery.state == Objective.State.DRAFT
    assert recovery.unit == unhealthy.unit
    assert KpiCrossing.objects.filter(kpi=unhealthy).count() == 1


def test_alignment_follows_the_guide(demo):
    annual = _objective(demo, _spec_title("annual"))
    retention = _objective(demo, _spec_title("retention"))
    growth = _objective(demo, _spec_title("efficient_growth"))
    assert annual.cycle.kind == Cycle.Kind.YEAR and annual.unit.kind == Unit.Kind.COMPANY
    assert retention.unit.kind == Unit.Kind.COMPANY and retention.cycle.name == "Q4 2026"
    assert retention.parent == annual and growth.parent == annual
    assert "retain" in retention.why.lower() or "cancel" in retention.why.lower()

    by_team = {
        o.unit.name: o
        for o in Objective.objects.filter(
            organization=demo, cycle=retention.cycle, carried_from__isnull=True
        )
        .exclude(unit__kind=Unit.Kind.COMPANY)
        .filter(owner_person__isnull=True, visibility=Objective.Visibility.ORGANIZATION)
        # The draft that recovers a KPI is not part of the quarter's plan.
        .filter(recovered_kpis__isnull=True)
        .select_related("unit")
    }
    for team in ("Product", "Marketing", "Customer Success"):
        assert by_team[team].parent == retention
        assert 2 <= by_team[team].key_results.count() <= 4
    assert by_team["Finance"].parent == growth
    assert by_team["Sales"].commitment == Objective.Commitment.ASPIRATIONAL
    assert all(o.state == Objective.State.APPROVED for o in by_team.values())
    assert sum(1 for o in by_team.values() if o.why) >= 4

    krs = KeyResult.objects.filter(organization=demo, objective__cycle=retention.cycle)
    kinds = set(krs.values_list("kind", flat=True))
    assert kinds == {"metric", "threshold", "milestone"}
    metrics = krs.filter(kind="metric")
    assert any(k.target > k.start for k in metrics) and any(k.target < k.start for k in metrics)
    tickets = _kr(demo, "tickets")
    assert (tickets.start, tickets.target) == (220, 120)
    nps = _kr(demo, "nps")
    assert (nps.kind, nps.target, nps.direction) == ("threshold", 50, "at_least")

    previous = Objective.objects.filter(organization=demo, cycle__name="Q3 2026")
    # The company objective and one per team: each team has a retrospective to write.
    assert previous.count() == 7
    assert set(previous.values_list("unit__name", flat=True)) == {
        "Northwind Labs",
        "Product",
        "Engineering",
        "Marketing",
        "Sales",
        "Customer Success",
        "Finance",
    }
    assert all(o.state == Objective.State.CLOSED for o in previous)


def test_check_in_history(demo):
    check_ins = CheckIn.objects.filter(organization=demo)
    first = check_ins.order_by("at").first().at
    last = check_ins.order_by("at").last().at
    assert last - first >= timedelta(weeks=8)
    assert last.date() < TODAY
    assert check_ins.values("author").distinct().count() >= 8
    confidences = set(check_ins.values_list("confidence", flat=True))
    assert confidences == {"on_track", "at_risk", "off_track"}
    assert check_ins.exclude(note="").count() >= 40

    current = Cycle.objects.get(organization=demo, name="Q4 2026")
    # (The objective drafted this week to recover a KPI has no check-in yet.)
    planned = KeyResult.objects.filter(
        organization=demo,
        objective__cycle=current,
        objective__recovered_kpis__isnull=True,
        objective__owner_person__isnull=True,  # Lena's own: checked in now and then
    )
    for kr in planned:
        weeks = {ci.at.isocalendar()[:2] for ci in kr.check_ins.all()}
        assert len(weeks) == kr.check_ins.count()  # at most one a week
        assert len(weeks) >= (5 if kr == _kr(demo, "late_documents") else 7)
        assert all(current.start <= ci.at.date() < TODAY for ci in kr.check_ins.all())
        assert kr.current == kr.check_ins.order_by("at").last().value


def test_history_shows_a_stall_a_drop_a_stale_result_and_a_mismatch(demo):
    now = timezone.make_aware(datetime.combine(TODAY, time(12)))
    cycle = Cycle.objects.get(organization=demo, name="Q4 2026")
    board = selectors.board_for_cycle(demo, cycle, today=TODAY, viewer=f.ALL)
    histories = {}
    for objective in board.in_cycle():
        histories.update(selectors.key_result_histories(objective, now=now))
    bugs = histories[_kr(demo, "bugs").id]
    assert bugs.stalled and not bugs.stale
    onboarding = histories[_kr(demo, "onboarding_rate").id]
    assert onboarding.check_ins[-1].value < onboarding.check_ins[-2].value
    assert onboarding.week_change < 0
    assert histories[_kr(demo, "late_documents").id].stale
    assert not histories[_kr(demo, "tickets").id].stale
    krs = {kr.id: kr for o in board.in_cycle() for kr in o.krs}
    assert krs[_kr(demo, "review_leads").id].mismatch
    uptime = histories[_kr(demo, "uptime").id]
    assert any(ci.value < 99.9 for ci in uptime.check_ins)
    assert uptime.check_ins[-1].value >= 99.9


def test_every_objective_has_progress_and_it_rolls_up(demo):
    current = Cycle.objects.get(organization=demo, name="Q4 2026")
    board = selectors.board_for_cycle(demo, current, today=TODAY, viewer=f.ALL)
    # Nine planned for the quarter (one private to Finance), one carried forward from the
    # previous quarter, and one drafted to bring a KPI back into its band (Lena's personal
    # objective is on no board).
    assert len(board.in_cycle()) == 11
    for objective in board.in_cycle():
        assert objective.progress is not None, objective.title
        assert 0 <= objective.progress <= 1
        assert objective.pace in {"on_track", "at_risk", "off_track"}
    retention = board.objectives[_objective(demo, _spec_title("retention")).id]
    children = board.children(retention)
    assert {c.unit.name for c in children} == {
        "Product",
        "Engineering",
        "Marketing",
        "Customer Success",
    }
    assert retention.progress == pytest.approx(sum(c.progress for c in children) / len(children))
    # The paces differ: a demo where everything is on track teaches nothing.
    assert len({o.pace for o in board.in_cycle()}) >= 2

    year = Cycle.objects.get(organization=demo, name="2026")
    year_board = selectors.board_for_cycle(demo, year, today=TODAY, viewer=f.ALL)
    assert year_board.objectives[_objective(demo, _spec_title("annual")).id].progress is not None


def test_loading_twice_creates_nothing(demo):
    before = _counts()
    assert load_demo(today=TODAY) == demo
    assert load_demo(today=TODAY + timedelta(days=30)) == demo
    assert _counts() == before
    assert find_demo() == demo


def test_a_private_and_a_personal_objective(demo):
    """Finance keeps one objective to itself; Lena keeps a personal one, checked in, supporting
    the onboarding objective without counting in it, and on her 1:1's agenda."""
    from cadence.oneonones import selectors as oneonone_selectors
    from cadence.oneonones.models import Pair

    private = Objective.objects.get(organization=demo, visibility=Objective.Visibility.UNIT,
                                    owner_person__isnull=True)  # fmt: skip
    assert private.unit.name == "Finance" and private.key_results.count() == 2
    personal = Objective.objects.get(organization=demo, owner_person__isnull=False)
    assert personal.owner_person.name == "Lena Okafor" and personal.unit is None
    assert personal.parent.title == _spec_title("onboarding") and not personal.counts_in_parent
    assert all(kr.check_ins.exists() for kr in personal.key_results.all())
    pair = Pair.objects.get(organization=demo)
    jonas = pair.lead
    agenda = oneonone_selectors.agenda_for(pair, oneonone_selectors.next_meeting_at(pair),
                                           viewer=jonas)  # fmt: skip
    assert [o.title for o in agenda.personal] == [personal.title]
