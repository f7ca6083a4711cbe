"""OKR pages: dashboard, cycles, alignment tree, objectives, key results and the inline check-in.

Thin function views: parse the request, read through selectors (organization-scoped: a missing
or foreign id is a 404), write through one service, render. A service's ValidationError becomes
messages at the form's fields; PermissionDenied becomes the 403 page. Controls a person may not
use are hidden, and the services refuse them anyway.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cadence.alignment.selectors import alignment_health, objective_alignment_panel
from cadence.coach import selectors as coach_selectors
from cadence.core.htmx import is_htmx, query_object, safe_next
from cadence.okrs import charts, selectors, services
from cadence.okrs.forms import (
    CheckInForm,
    CycleForm,
    KeyResultForm,
    ObjectiveCreateForm,
    ObjectiveForm,
    ObjectiveStateForm,
    add_service_error,
)
from cadence.okrs.models import Cycle, KeyResult, Objective
from cadence.orgs import selectors as org_selectors
from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access, UnitTree
from cadence.reviews import selectors as review_selectors
from cadence.reviews import selectors as reviews_selectors

UNPROCESSABLE = 422


def _review_steps(objective: Objective) -> set[str]:
    """The moves the alignment panel makes (propose, approve, return, back to draft)."""
    steps = {Objective.State.PROPOSED}
    if objective.state in (Objective.State.DRAFT, Objective.State.PROPOSED):
        steps.add(Objective.State.APPROVED)
    if objective.state in (Objective.State.PROPOSED, Objective.State.APPROVED):
        steps.add(Objective.State.DRAFT)
    return steps


KIND_ORDER = {Unit.Kind.COMPANY: 0, Unit.Kind.DEPARTMENT: 1, Unit.Kind.TEAM: 2}
OPEN_STATES = (Objective.State.DRAFT, Objective.State.PROPOSED, Objective.State.APPROVED)


# Helpers ----------------------------------------------------------------------------------


def _post_only(request: HttpRequest) -> HttpResponse | None:
    """Called after the object was found (so a foreign id is a 404 for every method)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _objective_url(objective: Objective, anchor: str = "") -> str:
    url = reverse("objective_detail", args=[objective.id])
    return f"{url}#{anchor}" if anchor else url


def _is_open(objective: Objective) -> bool:
    return objective.state in OPEN_STATES and not objective.cycle.closed_at


def _can_check_in(person: Person, access: Access, objective: Objective, kr: KeyResult) -> bool:
    """Mirrors services.check_in_create: the unit's editors, and the key result's owner."""
    if person.is_viewer or not _is_open(objective):
        return False
    return kr.owner_id == person.id or access.can_edit_unit(objective.unit)


def decorate_board(board: selectors.Board, person: Person, access: Access) -> None:
    """Mark what this person may do on every objective and key result of the board, and link
    each objective to its parent on the board (never touch ``objective.parent``: a query)."""
    for objective in board.objectives.values():
        objective.can_edit = (
            not person.is_viewer
            and not objective.cycle.closed_at
            and access.can_edit_unit(objective.unit)
        )
        objective.is_open = _is_open(objective)
        objective.parent_on_board = board.objectives.get(objective.parent_id)
        for kr in objective.krs:
            kr.objective = objective
            kr.can_check_in = _can_check_in(person, access, objective, kr)


def _ancestors_on_board(board: selectors.Board, objective: Objective) -> list[Objective]:
    out: list[Objective] = []
    seen = {objective.id}
    node = board.objectives.get(objective.parent_id)
    while node is not None and node.id not in seen:
        out.append(node)
        seen.add(node.id)
        node = board.objectives.get(node.parent_id)
    return out


def _unit_order(unit: Unit) -> tuple:
    return (KIND_ORDER.get(unit.kind, 3), unit.name)


def _tree_order(objective: Objective) -> tuple:
    return (KIND_ORDER.get(objective.unit.kind, 3), objective.unit.name, objective.position)


def _attach_charts(objective: Objective, *, today: date) -> dict:
    """Each key result of an annotated objective gets its history and its chart. Returns the
    histories (the coach judges the same ones)."""
    histories = selectors.key_result_histories(objective)
    cycle = objective.cycle
    for kr in objective.krs:
        history = histories[kr.id]
        kr.history = history
        kr.recent_check_ins = list(reversed(history.check_ins))
        kr.chart = charts.kr_chart(
            kind=kr.kind,
            start=kr.start,
            target=kr.target,
            direction=kr.direction or None,
            history=history.points,
            cycle_start=cycle.start,
            cycle_end=cycle.end,
            today=today,
            aspirational=(kr.commitment or objective.commitment)
            == Objective.Commitment.ASPIRATIONAL,
            start_at_cycle_start=not kr.start_from_first_check_in,
        )
    return histories


def _people(person: Person):
    return org_selectors.people_of(person.organization).order_by("name")


# Dashboard --------------------------------------------------------------------------------


OVERVIEW_ROWS = 60  # the dashboard's overview shows as many levels of units as fit


def _overview(tree: UnitTree, stats: dict) -> list[dict]:
    """Units below the company, each with its objectives' count and progress, as many levels
    deep as fit in OVERVIEW_ROWS. A unit whose sub-units are left out counts them in."""
    rows = [(unit, depth) for unit, depth in tree.walk() if unit.kind != Unit.Kind.COMPANY]
    deepest = max((depth for _unit, depth in rows), default=0)
    while deepest > 1 and sum(1 for _u, d in rows if d <= deepest) > OVERVIEW_ROWS:
        deepest -= 1
    empty = selectors.UnitStat()
    out = []
    for unit, depth in rows:
        if depth > deepest:
            continue
        stat = stats.get(unit.id, empty)
        folded = depth == deepest and bool(tree.children.get(unit.id))
        if folded:
            for below in tree.descendants(unit.id):
                stat = stat + stats.get(below.id, empty)
        out.append(
            {
                "unit": unit,
                "depth": depth,
                "count": stat.count,
                "progress": stat.progress,
                "folded": folded,
            }
        )
    return out


def _mine_and_below(tree: UnitTree, units: list[Unit]) -> set:
    """The units a person belongs to and every unit below them: what "due now" asks of them."""
    out = {u.id for u in units}
    for unit in units:
        out.update(u.id for u in tree.descendants(unit.id))
    return out


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    cycle = selectors.cycle_for_request(organization, request.GET.get("cycle"))
    context: dict = {"cycle": cycle, "nav": "dashboard"}
    if cycle is None:
        return render(request, "okrs/dashboard.html", context)
    tree = UnitTree.load(organization)
    access = Access(person, tree)
    company = tree.root
    my_units = sorted(
        (
            tree.units[unit_id]
            for unit_id in access.memberships
            if unit_id in tree.units and tree.units[unit_id].kind != Unit.Kind.COMPANY
        ),
        key=lambda u: (KIND_ORDER[u.kind], u.name),
    )
    # What the page shows: the company's objectives, my units' and the ones they align to.
    shown_units = [u.id for u in my_units] + ([company.id] if company else [])
    board = selectors.board_for_cycle(
        organization, cycle, scope=selectors.units_and_parents(organization, cycle, shown_units)
    )
    decorate_board(board, person, access)
    by_unit = board.by_unit()
    context.update(
        {
            "board": board,
            "today": board.today,
            "phase": Cycle.Phase(cycle.phase_on(board.today)).label,
            "due": review_selectors.due_now(
                organization, cycle, compact=True, unit_ids=_mine_and_below(tree, my_units)
            ),
            "expected": board.expected,
            "company": company,
            "company_objectives": by_unit.get(company.id, []) if company else [],
            "can_edit_company": company is not None and access.can_edit_unit(company),
            "teams": [
                {
                    "unit": unit,
                    "role": access.memberships[unit.id],
                    "objectives": by_unit.get(unit.id, []),
                    "progress": board.unit_progress(unit.id),
                    "can_edit": not person.is_viewer and access.can_edit_unit(unit),
                }
                for unit in my_units
            ],
            "overview": _overview(tree, selectors.unit_stats(organization, cycle)),
        }
    )
    return render(request, "okrs/dashboard.html", context)


# Cycles -----------------------------------------------------------------------------------


def _next_cycle_initial(cycles: list[Cycle], today: date) -> dict:
    """Suggest the calendar quarter after the latest cycle (or the current quarter)."""
    latest_end = max((c.end for c in cycles), default=None)
    first = latest_end + timedelta(days=1) if latest_end else today.replace(day=1)
    quarter = (first.month - 1) // 3
    start = date(first.year, quarter * 3 + 1, 1)
    if start < first:
        quarter += 1
        start = date(first.year + quarter // 4, (quarter % 4) * 3 + 1, 1)
    month = start.month + 3
    end = date(start.year + (month > 12), (month - 1) % 12 + 1, 1) - timedelta(days=1)
    return {
        "name": f"Q{(start.month - 1) // 3 + 1} {start.year}",
        "kind": Cycle.Kind.QUARTER,
        "start": start,
        "end": end,
    }


@login_required
def cycles(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    today = timezone.localdate()
    all_cycles = list(selectors.cycles_of(organization))
    selected = selectors.cycle_for_request(organization, request.GET.get("cycle"))
    status = 200
    form = None
    if request.method == "POST":
        if not person.is_admin:
            raise PermissionDenied("Only organization admins create cycles.")
        form = CycleForm(request.POST)
        if form.is_valid():
            try:
                cycle = services.cycle_create(actor=person, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"{cycle.name} was created.")
                return redirect(f"{reverse('cycles')}?cycle={cycle.id}")
        status = UNPROCESSABLE
    elif person.is_admin:
        form = CycleForm(initial=_next_cycle_initial(all_cycles, today))
    rows = [
        {
            "cycle": c,
            "phase": Cycle.Phase(c.phase_on(today)).label,
            "phase_value": c.phase_on(today),
        }
        for c in all_cycles
    ]
    context = {
        "cycle": selected,
        "rows": rows,
        "form": form,
        "nav": "cycles",
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/cycles.html", context, status=status)


# Alignment tree ---------------------------------------------------------------------------


HEALTH_LISTED = 20  # unaligned objectives named on the tree page (the API names them all)


def _tree_cycle(request: HttpRequest, cycle_id) -> tuple[Person, Cycle, UnitTree, Access]:
    person = request.user
    cycle = selectors.cycle_get(person.organization, cycle_id)
    tree = UnitTree.load(person.organization)
    return person, cycle, tree, Access(person, tree)


def _alignment_board(
    person: Person, access: Access, cycle: Cycle, start: list, *, fold=(), extra=()
):
    """The objectives of an alignment tree below ``start``: whole levels in full while they fit,
    the next one folded (see selectors.tree_levels); ``fold``: shown folded from the start."""
    organization = person.organization
    eager, folded = selectors.tree_levels(organization, cycle, start, folded=set(fold))
    board = selectors.board_for_cycle(
        organization,
        cycle,
        scope=Q(pk__in=[*eager, *folded, *extra]),
        key_results_of=eager,
    )
    decorate_board(board, person, access)
    for objective in board.objectives.values():
        objective.folded = objective.id in folded
        objective.tree_children = sorted(board.children(objective), key=_tree_order)
        objective.unshown = len(objective.child_ids) - len(objective.tree_children)
    return board


def _units_tree(
    organization, cycle: Cycle, person: Person, access: Access, tree: UnitTree, start: Unit
) -> tuple[dict, selectors.Board]:
    stats = selectors.unit_stats(organization, cycle)
    eager, folded = selectors.unit_levels(tree, stats, start)
    board = selectors.board_for_cycle(organization, cycle, scope=Q(unit_id__in=eager))
    decorate_board(board, person, access)
    depth = len(tree.ancestors(start.id))
    return _unit_node(tree, start, board.by_unit(), stats, eager, folded, depth), board


@login_required
def cycle_tree(request: HttpRequest, cycle_id) -> HttpResponse:
    person, cycle, tree, access = _tree_cycle(request, cycle_id)
    organization = person.organization
    switch_to = request.GET.get("cycle")
    if switch_to and switch_to != str(cycle.id):
        other = selectors.cycle_get(organization, switch_to)
        return redirect("cycle_tree", cycle_id=other.id)
    view = "alignment" if request.GET.get("view") == "alignment" else "units"
    today = timezone.localdate()
    context = {
        "cycle": cycle,
        "view": view,
        "today": today,
        "phase": Cycle.Phase(cycle.phase_on(today)).label,
        "expected": cycle.expected_on(today),
        "nav": "tree",
        "cycle_switch_action": reverse("cycle_tree", args=[cycle.id]),
    }
    health = alignment_health(organization, cycle, listed=HEALTH_LISTED)
    context["aligned_count"] = health.aligned_to_parent
    context["below_company_count"] = health.below_company
    if view == "units":
        if tree.root:
            context["unit_root"], _board = _units_tree(
                organization, cycle, person, access, tree, tree.root
            )
    else:
        # Company objectives open the tree; objectives aligned to none of them are listed
        # folded below it (the first TREE_FOLDED of them).
        company_roots, other_roots = selectors.tree_roots(organization, cycle)
        shown_others = other_roots[: selectors.TREE_FOLDED]
        board = _alignment_board(person, access, cycle, company_roots, fold=shown_others)
        context["health"] = health
        context["company_roots"] = sorted(
            (board.objectives[i] for i in company_roots), key=_tree_order
        )
        context["other_roots"] = sorted(
            (board.objectives[i] for i in shown_others), key=_tree_order
        )
        context["other_roots_unshown"] = len(other_roots) - len(shown_others)
    return render(request, "okrs/cycle_tree.html", context)


@login_required
def cycle_tree_unit(request: HttpRequest, cycle_id, unit_id) -> HttpResponse:
    """A folded unit of the tree, opened: its objectives and sub-units (an htmx fragment)."""
    person, cycle, tree, access = _tree_cycle(request, cycle_id)
    unit = org_selectors.unit_get(person.organization, unit_id)
    if not is_htmx(request):
        return redirect(f"{reverse('unit_detail', args=[unit.id])}?cycle={cycle.id}")
    node, board = _units_tree(person.organization, cycle, person, access, tree, unit)
    today = board.today
    context = {"node": node, "cycle": cycle, "today": today, "expected": board.expected}
    return render(request, "okrs/_unit_node.html#unit_body", context)


@login_required
def cycle_tree_objective(request: HttpRequest, cycle_id, objective_id) -> HttpResponse:
    """A folded objective of the tree, opened: its key results and what aligns to it. With
    ``?part=children``, only what aligns to it, every one folded (a level too wide to show)."""
    person, cycle, _tree, access = _tree_cycle(request, cycle_id)
    objective = selectors.objective_get(person.organization, objective_id)
    if not is_htmx(request):
        return redirect("objective_detail", objective_id=objective.id)
    part = "children" if request.GET.get("part") == "children" else "node_body"
    if part == "children":
        children = selectors.objectives_of(person.organization).filter(parent_id=objective.id)
        board = _alignment_board(
            person, access, cycle, [], fold=children.values_list("id", flat=True),
            extra=[objective.id],
        )  # fmt: skip
    else:
        board = _alignment_board(person, access, cycle, [objective.id], extra=[objective.id])
    if objective.id not in board.objectives:
        raise Http404("That objective is not in this cycle.")
    context = {
        "o": board.objectives[objective.id],
        "cycle": cycle,
        "depth": 1,
        "today": board.today,
        "expected": board.expected,
    }
    return render(request, f"okrs/_tree_node.html#{part}", context)


def _unit_node(
    tree: UnitTree,
    unit: Unit,
    by_unit: dict,
    stats: dict,
    eager: set,
    folded: set,
    depth: int = 0,
) -> dict:
    """A unit of the tree: its own objectives (when shown in full), its sub-units, and the count
    and progress of the live objectives in it and below it (each objective counts once)."""
    empty = selectors.UnitStat()
    below = stats.get(unit.id, empty)
    for descendant in tree.descendants(unit.id):
        below = below + stats.get(descendant.id, empty)
    full = unit.id in eager
    children = [
        _unit_node(tree, child, by_unit, stats, eager, folded, depth + 1)
        for child in sorted(tree.children.get(unit.id, []), key=_unit_order)
        if full and (child.id in eager or child.id in folded)
    ]
    return {
        "unit": unit,
        "depth": depth,
        "folded": not full,
        "objectives": by_unit.get(unit.id, []) if full else [],
        "children": children,
        "unshown": len(tree.children.get(unit.id, [])) - len(children) if full else 0,
        "count": below.live,
        "progress": below.progress,
    }


# Objectives -------------------------------------------------------------------------------


def _objective_page(
    request: HttpRequest,
    objective: Objective,
    *,
    state_form: ObjectiveStateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    person = request.user
    organization = person.organization
    annotated, board = selectors.objective_with_progress(organization, objective)
    access = Access(person, UnitTree.load(organization))
    decorate_board(board, person, access)
    histories = _attach_charts(annotated, today=board.today)
    review_selectors.attach_target_history([annotated])
    transitions = sorted(
        # Propose, approve, return and back-to-draft live in the alignment panel.
        services.TRANSITIONS[annotated.state]
        - {Objective.State.ABANDONED}
        - _review_steps(annotated),
        key=lambda s: list(Objective.State.values).index(s),
    )
    context = {
        "cycle": annotated.cycle,
        "objective": annotated,
        "board": board,
        "today": board.today,
        "parent": objective.parent,  # loaded with the objective (select_related)
        "parent_on_board": annotated.parent_on_board,
        "children": sorted(board.children(annotated), key=_tree_order),
        "transitions": [(s, Objective.State(s).label) for s in transitions],
        "can_abandon": Objective.State.ABANDONED in services.TRANSITIONS[annotated.state],
        "state_form": state_form or ObjectiveStateForm(),
        "abandon_open": state_form is not None and bool(state_form.errors),
        "coach_findings": coach_selectors.findings_for_objective(
            organization, annotated, board, histories=histories
        ),
        "cycle_switch_action": reverse("dashboard"),
        "alignment": objective_alignment_panel(objective, person, access),
        "carried": reviews_selectors.carry_links(organization, objective),
    }
    return render(request, "okrs/objective_detail.html", context, status=status)


@login_required
def objective_detail(request: HttpRequest, objective_id) -> HttpResponse:
    objective = selectors.objective_get(request.user.organization, objective_id)
    return _objective_page(request, objective)


def _cycle_from_data(organization, value, fallback: Cycle | None) -> Cycle | None:
    if not value:
        return fallback
    try:
        return selectors.cycle_get(organization, value)
    except Http404:
        return fallback


@login_required
def objective_create(request: HttpRequest) -> HttpResponse:
    person = request.user
    organization = person.organization
    # Query-string presets: a foreign or missing id is a 404 like anywhere else.
    unit = query_object(request, "unit", org_selectors.unit_get, organization)
    preset_cycle = query_object(request, "cycle", selectors.cycle_get, organization)
    parent = query_object(request, "parent", selectors.objective_get, organization)
    access = Access(person, UnitTree.load(organization))
    editable = [] if person.is_viewer else sorted(access.editable_unit_ids(), key=str)
    if not editable:
        raise PermissionDenied("You cannot create objectives: you are not in any team yet.")
    if unit is not None and unit.id not in editable:
        raise PermissionDenied(f"Only members of {unit.name}, its leads and admins may do this.")
    current = selectors.cycle_current(organization)
    if preset_cycle is not None:
        cycle = preset_cycle
    elif parent is not None:
        # Under an annual objective, the current quarter rather than the year itself.
        cycle = current if current and parent.cycle.contains(current) else parent.cycle
    else:
        cycle = current
    if cycle is None:
        messages.info(request, "Create a cycle first: objectives belong to a cycle.")
        return redirect("cycles")
    if request.method == "POST":
        cycle = _cycle_from_data(organization, request.POST.get("cycle"), cycle)
    units = org_selectors.units_of(organization).filter(id__in=editable).order_by("kind", "name")
    member_units = [u for u in editable if u in access.memberships]
    default_unit = unit.id if unit else (member_units[0] if member_units else editable[0])
    form = ObjectiveCreateForm(
        request.POST if request.method == "POST" else None,
        cycles=selectors.cycles_of(organization),
        units=units,
        parents=selectors.objectives_for_parent_choice(organization, cycle),
        people=_people(person),
        initial={
            "cycle": cycle.id,
            "unit": default_unit,
            "parent": parent.id if parent else None,
            "owner": person.id if not person.is_viewer else None,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                objective = services.objective_create(actor=person, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Objective created. Now add its key results.")
                return redirect("key_result_create", objective_id=objective.id)
        status = UNPROCESSABLE
    context = {"form": form, "cycle": cycle, "cycle_switch_action": reverse("dashboard")}
    return render(request, "okrs/objective_form.html", context, status=status)


def _require_editor(person: Person, objective: Objective) -> Access:
    access = Access(person)
    if person.is_viewer or not access.can_edit_unit(objective.unit):
        raise PermissionDenied(
            f"Only members of {objective.unit.name}, its leads and admins may change this."
        )
    return access


@login_required
def objective_edit(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    organization = person.organization
    objective = selectors.objective_get(organization, objective_id)
    access = _require_editor(person, objective)
    editable = access.editable_unit_ids() | {objective.unit_id}
    form = ObjectiveForm(
        request.POST if request.method == "POST" else None,
        units=org_selectors.units_of(organization).filter(id__in=editable).order_by("kind", "name"),
        parents=selectors.objectives_for_parent_choice(
            organization, objective.cycle, exclude=objective
        ),
        people=_people(person),
        initial={
            "title": objective.title,
            "why": objective.why,
            "commitment": objective.commitment,
            "unit": objective.unit_id,
            "parent": objective.parent_id,
            "standalone_reason": objective.standalone_reason,
            "owner": objective.owner_id,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.objective_update(actor=person, objective=objective, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Objective saved.")
                return redirect("objective_detail", objective_id=objective.id)
        status = UNPROCESSABLE
    context = {
        "form": form,
        "objective": objective,
        "cycle": objective.cycle,
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/objective_form.html", context, status=status)


@login_required
def objective_state(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    objective = selectors.objective_get(person.organization, objective_id)
    if not_allowed := _post_only(request):
        return not_allowed
    _require_editor(person, objective)
    form = ObjectiveStateForm(request.POST)
    if form.is_valid():
        try:
            updated = services.objective_set_state(
                actor=person,
                objective=objective,
                state=form.cleaned_data["state"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"The objective is now {updated.get_state_display()}.")
            return redirect("objective_detail", objective_id=objective.id)
    return _objective_page(request, objective, state_form=form, status=UNPROCESSABLE)


@login_required
def objective_delete(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    objective = selectors.objective_get(person.organization, objective_id)
    _require_editor(person, objective)
    if request.method == "POST":
        try:
            services.objective_delete(actor=person, objective=objective)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("objective_detail", objective_id=objective.id)
        messages.success(request, f"“{objective.title}” was deleted.")
        return redirect(
            f"{reverse('unit_detail', args=[objective.unit_id])}?cycle={objective.cycle_id}"
        )
    context = {
        "objective": objective,
        "cycle": objective.cycle,
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/objective_confirm_delete.html", context)


# Key results ------------------------------------------------------------------------------


def _kr_initial(kr: KeyResult) -> dict:
    return {
        "title": kr.title,
        "kind": kr.kind,
        "start": kr.start,
        "target": kr.target,
        "unit": kr.unit,
        "direction": kr.direction or KeyResult.Direction.AT_LEAST,
        "weight": kr.weight,
        "owner": kr.owner_id,
        "commitment": kr.commitment,
    }


@login_required
def key_result_create(request: HttpRequest, objective_id) -> HttpResponse:
    person = request.user
    objective = selectors.objective_get(person.organization, objective_id)
    _require_editor(person, objective)
    form = KeyResultForm(
        request.POST if request.method == "POST" else None,
        people=_people(person),
        initial={"owner": person.id, "weight": 1, "kind": KeyResult.Kind.METRIC},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                kr = services.key_result_create(
                    actor=person, objective=objective, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Key result “{kr.title}” added.")
                if request.POST.get("then") == "another":
                    return redirect("key_result_create", objective_id=objective.id)
                return redirect(_objective_url(objective, f"kr-{kr.id}"))
        status = UNPROCESSABLE
    context = {
        "form": form,
        "objective": objective,
        "cycle": objective.cycle,
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/key_result_form.html", context, status=status)


@login_required
def key_result_edit(request: HttpRequest, key_result_id) -> HttpResponse:
    person = request.user
    kr = selectors.key_result_get(person.organization, key_result_id)
    objective = kr.objective
    _require_editor(person, objective)
    form = KeyResultForm(
        request.POST if request.method == "POST" else None,
        people=_people(person),
        initial=_kr_initial(kr),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.key_result_update(actor=person, key_result=kr, **form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Key result saved.")
                return redirect(_objective_url(objective, f"kr-{kr.id}"))
        status = UNPROCESSABLE
    context = {
        "form": form,
        "objective": objective,
        "key_result": kr,
        "cycle": objective.cycle,
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/key_result_form.html", context, status=status)


@login_required
def key_result_delete(request: HttpRequest, key_result_id) -> HttpResponse:
    person = request.user
    kr = selectors.key_result_get(person.organization, key_result_id)
    objective = kr.objective
    _require_editor(person, objective)
    if request.method == "POST":
        try:
            services.key_result_delete(actor=person, key_result=kr)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Key result “{kr.title}” was deleted.")
        return redirect("objective_detail", objective_id=objective.id)
    context = {
        "key_result": kr,
        "objective": objective,
        "cycle": objective.cycle,
        "cycle_switch_action": reverse("dashboard"),
    }
    return render(request, "okrs/key_result_confirm_delete.html", context)


# The quick check-in -------------------------------------------------------------------------


@login_required
def key_result_check_in(request: HttpRequest, key_result_id) -> HttpResponse:
    """GET: the check-in form (inline for htmx, else a page). POST: save it; htmx gets the
    updated key result (a row, or the objective page's card with its chart) and out-of-band
    updates of the progress of its objective and of every objective above it on the page."""
    person = request.user
    organization = person.organization
    kr = selectors.key_result_get(organization, key_result_id)
    objective = kr.objective
    access = Access(person)
    if not _can_check_in(person, access, objective, kr):
        if objective.cycle.closed_at:
            raise PermissionDenied(f"{objective.cycle.name} is closed: it takes no check-ins.")
        if not _is_open(objective):
            raise PermissionDenied(
                f"This objective is {objective.get_state_display().lower()}: it takes no check-ins."
            )
        raise PermissionDenied("Only the key result's owner and its unit's members check in.")
    htmx = is_htmx(request)
    source = request.POST if request.method == "POST" else request.GET
    layout = source.get("layout") if source.get("layout") in CheckInForm.LAYOUTS else "row"
    next_url = safe_next(request, _objective_url(objective, f"kr-{kr.id}"))

    if request.method == "POST":
        form = CheckInForm(request.POST, key_result=kr)
        if form.is_valid():
            try:
                services.check_in_create(
                    actor=person,
                    key_result=kr,
                    value=form.cleaned_data["value"],
                    confidence=form.cleaned_data["confidence"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_error(form, error)
        if form.errors:
            context = {"form": form, "kr": kr, "layout": layout, "next": next_url}
            if htmx:
                response = render(
                    request, "okrs/_okr.html#checkin_form", context, status=UNPROCESSABLE
                )
                response["HX-Retarget"] = f"#kr-{kr.id}-slot"
                response["HX-Reswap"] = "innerHTML"
                return response
            context.update({"objective": objective, "cycle": objective.cycle})
            return render(request, "okrs/check_in.html", context, status=UNPROCESSABLE)
        if not htmx:
            messages.success(request, f"Checked in on “{kr.title}”.")
            return redirect(next_url)
        annotated, board = selectors.objective_with_progress(organization, objective)
        decorate_board(board, person, access)
        fresh = next(k for k in annotated.krs if k.id == kr.id)
        if layout == "card":
            _attach_charts(annotated, today=board.today)
        context = {
            "kr": fresh,
            "o": annotated,
            "layout": layout,
            "here": next_url,
            "updated": [annotated, *_ancestors_on_board(board, annotated)],
        }
        return render(request, "okrs/_okr.html#checkin_saved", context)

    form = CheckInForm(key_result=kr, initial={"layout": layout})
    context = {"form": form, "kr": kr, "layout": layout, "next": next_url}
    if htmx:
        return render(request, "okrs/_okr.html#checkin_form", context)
    context.update({"objective": objective, "cycle": objective.cycle})
    return render(request, "okrs/check_in.html", context)
