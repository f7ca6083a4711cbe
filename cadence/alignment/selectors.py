"""Alignment reads: who approves an objective, what waits for a person's approval, an
objective's approval trail and dependencies, a cycle's alignment health and dependencies.

``can_approve`` is THE approval rule (docs/decisions.md); ``approvable_q`` is the same rule as a
database filter, so the nav's count is one query (tests check that both agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, UUIDField, Value
from django.db.models.functions import Coalesce, Trim
from django.db.models.lookups import Exact
from django.http import Http404
from django.utils import timezone

from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.coach import selectors as coach_selectors
from cadence.core.flags import said_empty
from cadence.core.ids import uuid_or_404
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Cycle, Objective
from cadence.okrs.selectors import Viewer
from cadence.okrs.visibility import Sight, sight_of
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import Access, UnitTree

# How many levels of units above a unit ``approvable_q`` looks at for a lead (company →
# departments → … → team; far deeper than any real organization).
MAX_UNIT_DEPTH = 8

# Dependencies: which states may follow which (requested → acknowledged only through
# dependency_acknowledge).
DEPENDENCY_TRANSITIONS: dict[str, set[str]] = {
    Dependency.State.REQUESTED: set(),
    Dependency.State.ACKNOWLEDGED: {Dependency.State.AT_RISK, Dependency.State.DONE},
    Dependency.State.AT_RISK: {Dependency.State.ACKNOWLEDGED, Dependency.State.DONE},
    Dependency.State.DONE: {Dependency.State.ACKNOWLEDGED, Dependency.State.AT_RISK},
}


# Who approves ------------------------------------------------------------------------------


def approver_unit(objective: Objective, tree=None) -> Unit | None:
    """The unit whose leads approve a standalone objective: the unit above its own."""
    unit = objective.unit
    if unit.parent_id is None:
        return None
    if tree is not None:
        return tree.units.get(unit.parent_id)
    return unit.parent


# The trail's steps that make a person the author of the proposal waiting for approval.
PROPOSING = (ApprovalEvent.Action.PROPOSED, ApprovalEvent.Action.REALIGNED)
_NOBODY = UUID(int=0)


def proposer_id(objective: Objective) -> UUID | None:
    """Who proposed the objective as it now stands: the person of the latest "proposed" (or
    "realigned") step of its trail; without one (proposed before the trail existed), the person
    who wrote it. One query each time (nothing is kept on the instance): callers ask once."""
    latest = (
        ApprovalEvent.objects.filter(objective_id=objective.pk, action__in=PROPOSING)
        .order_by("-created_at")
        .values_list("actor_id", flat=True)
        .first()
    )
    return latest if latest is not None else objective.created_by_id


def _proposer_expression():
    """``proposer_id`` as a database expression (never NULL, so that comparisons are plain)."""
    latest = (
        ApprovalEvent.objects.filter(objective_id=OuterRef("pk"), action__in=PROPOSING)
        .order_by("-created_at")
        .values("actor_id")[:1]
    )
    return Coalesce(Subquery(latest), F("created_by_id"), Value(_NOBODY), output_field=UUIDField())


def is_own_proposal(person: Person, objective: Objective) -> bool:
    """Whether ``objective`` is a proposal ``person`` made (the trail says who proposed it)."""
    return objective.state == Objective.State.PROPOSED and proposer_id(objective) == person.id


def is_approver(access: Access, objective: Objective) -> bool:
    """Whether ``access.person`` is one of those who approve ``objective``, whoever proposed it.

    Organization admins always. Otherwise, for an aligned objective: the parent objective's
    owner; if the parent has no (active) owner, whoever can lead the parent's unit. For an
    objective aligned to nothing: whoever can lead the unit above the objective's unit. Company
    objectives: admins only. Viewers never.
    """
    person = access.person
    if objective.organization_id != person.organization_id or not person.is_active:
        return False
    if person.is_admin:
        return True
    if person.is_viewer or objective.unit.kind == Unit.Kind.COMPANY:
        return False
    if objective.parent_id is not None:
        parent = objective.parent
        if parent.owner_id is not None and parent.owner.is_active:
            return parent.owner_id == person.id
        return access.can_lead_unit(access.tree.units.get(parent.unit_id) or parent.unit)
    above = approver_unit(objective, access.tree)
    return above is not None and access.can_lead_unit(above)


def _nearest_leads(unit: Unit) -> list[Person]:
    """The active, non-viewer leads of ``unit``, else of the nearest unit above it with some."""
    tree = UnitTree.load(unit.organization)
    for candidate in [unit, *reversed(tree.ancestors(unit.id))]:
        leads = list(
            Person.objects.filter(
                memberships__unit=candidate,
                memberships__role=Membership.Role.LEAD,
                is_active=True,
            )
            .exclude(role=Person.Role.VIEWER)
            .order_by("name")
        )
        if leads:
            return leads
    return []


def approvers_to_tell(objective: Objective) -> list[Person]:
    """Who is told that ``objective`` waits for approval: the approvers of ``is_approver``
    other than admins — the parent's active owner; else the nearest leads of the parent's unit
    (or, for a standalone objective, of the unit above its own) — and the organization's admins
    when there is nobody else (company objectives)."""
    people: list[Person] = []
    if objective.unit.kind != Unit.Kind.COMPANY:
        if objective.parent_id is not None:
            parent = objective.parent
            if parent.owner_id is not None and parent.owner.is_active:
                people = [parent.owner]
            else:
                people = _nearest_leads(parent.unit)
        else:
            above = approver_unit(objective)
            people = _nearest_leads(above) if above is not None else []
    if not people:
        people = list(
            Person.objects.filter(
                organization_id=objective.organization_id, role=Person.Role.ADMIN, is_active=True
            ).order_by("name")
        )
    return people


def dependency_people_to_tell(dependency: Dependency) -> list[Person]:
    """Who is told that a unit was asked for something: the asked unit's active members and
    leads (not its viewers)."""
    return list(
        Person.objects.filter(memberships__unit=dependency.provider_id, is_active=True)
        .exclude(role=Person.Role.VIEWER)
        .distinct()
        .order_by("name")
    )


def can_approve(access: Access, objective: Objective) -> bool:
    """Whether ``access.person`` may approve (or return) ``objective``: one of its approvers
    (``is_approver``) who did not propose it. An admin may approve their own proposal (the
    trail records it as such)."""
    if not is_approver(access, objective):
        return False
    return access.person.is_admin or not is_own_proposal(access.person, objective)


def can_edit_objectives(access: Access, unit: Unit) -> bool:
    """Whether ``access.person`` proposes, reopens and records the needs of ``unit``'s
    objectives: its members, the leads of it or a unit above it, and admins; never viewers."""
    return not access.person.is_viewer and access.can_edit_unit(unit)


def can_withdraw_dependency(access: Access, dependency: Dependency) -> bool:
    """The asking side: the editors of the objective's unit (they also move its state)."""
    return can_edit_objectives(access, dependency.objective.unit)


def can_acknowledge_dependency(access: Access, dependency: Dependency) -> bool:
    """The side asked: the editors of the provider unit (they also move its state)."""
    return can_edit_objectives(access, dependency.provider)


def can_change_dependency(access: Access, dependency: Dependency) -> bool:
    """Either side moves an acknowledged dependency between its states."""
    return can_withdraw_dependency(access, dependency) or can_acknowledge_dependency(
        access, dependency
    )


def propose_errors(objective: Objective) -> dict[str, str]:
    """What an objective lacks to be proposed, and so to be approved (field → message): a team
    objective aligns to a higher objective or says why it stands alone; below company level it
    has a key result. One query (below company level)."""
    errors = {}
    if (
        objective.unit.kind == Unit.Kind.TEAM
        and not objective.parent_id
        and not objective.standalone_reason.strip()
    ):
        errors["parent"] = (
            "Align it to a higher objective, or say why it stands alone, before proposing it."
        )
    if objective.unit.kind != Unit.Kind.COMPANY and not objective.key_results.exists():
        errors["key_results"] = "Add at least one key result before proposing it."
    return errors


def _led_units_q(person: Person) -> Q:
    """Units the person leads, or that lie below a unit they lead (up to MAX_UNIT_DEPTH)."""
    led_ids = Membership.objects.filter(person=person, role=Membership.Role.LEAD).values("unit_id")
    led = Q(pk__in=led_ids)
    for depth in range(1, MAX_UNIT_DEPTH):
        led |= Q(**{"parent__" * depth + "in": led_ids})
    return led


def approvable_q(person: Person) -> Q:
    """``can_approve`` as a filter on objectives (the caller filters by organization)."""
    if not person.is_active:
        return Q(pk__in=[])
    if person.is_admin:
        return Q()
    if person.is_viewer:
        return Q(pk__in=[])
    led = Unit.objects.filter(_led_units_q(person), organization_id=person.organization_id)
    owned_parent = Q(parent__owner__isnull=False, parent__owner__is_active=True)
    own_proposal = Q(state=Objective.State.PROPOSED) & Q(Exact(_proposer_expression(), person.pk))
    # A private objective waits only for approvers who may see it (its leads above, admins).
    return (
        sight_of(person).objectives()
        & ~Q(unit__kind=Unit.Kind.COMPANY)
        & ~own_proposal
        & (
            Q(owned_parent, parent__owner=person)
            | Q(~owned_parent, parent__isnull=False, parent__unit__in=led.values("id"))
            | Q(parent__isnull=True, unit__parent__in=led.values("id"))
        )
    )


def approvals_waiting(person: Person) -> list[Objective]:
    """Proposed objectives ``person`` may approve, oldest first, in one query; each carries
    ``proposer_name``: who proposed it."""
    return list(
        Objective.objects.filter(
            approvable_q(person),
            organization_id=person.organization_id,
            state=Objective.State.PROPOSED,
        )
        .annotate(proposer=_proposer_expression())
        .annotate(
            proposer_name=Subquery(
                Person.objects.filter(pk=OuterRef("proposer")).values("name")[:1]
            )
        )
        .select_related("unit", "cycle", "owner", "parent", "parent__unit", "created_by")
        .order_by("updated_at")
    )


@dataclass(frozen=True)
class ApprovalCard:
    """A proposal on the approvals page: the objective (``proposer_name`` annotated: who
    proposed it), its key results, and what the coach still says about it (open findings,
    errors first)."""

    objective: Objective
    key_results: tuple = ()
    findings: tuple = ()


def approval_cards(person: Person, *, today: date | None = None) -> list[ApprovalCard]:
    """``approvals_waiting`` with each objective's key results and open coach findings, so an
    approver judges what they approve. A fixed number of queries per cycle among them."""
    today = today or timezone.localdate()
    waiting = approvals_waiting(person)
    annotated: dict[UUID, okr_selectors.BoardObjective] = {}
    cycles = {o.cycle_id: o.cycle for o in waiting}
    for cycle_id, cycle in cycles.items():
        ids = [o.id for o in waiting if o.cycle_id == cycle_id]
        board = okr_selectors.board_for_cycle(
            person.organization, cycle, today=today, viewer=person, scope=Q(pk__in=ids)
        )
        annotated.update({i: board.objectives[i] for i in ids if i in board.objectives})
    findings = coach_selectors.findings_for_objectives(
        person.organization, list(annotated.values()), today=today
    )
    cards = []
    for o in waiting:
        loaded = annotated.get(o.id)
        found = findings.get(o.id)
        cards.append(
            ApprovalCard(
                objective=o,
                key_results=tuple(loaded.krs) if loaded else (),
                findings=tuple(found.open) if found else (),
            )
        )
    return cards


def approvals_waiting_for(person: Person) -> QuerySet[Objective] | None:
    """The proposed objectives waiting for ``person`` (None: nobody's approver, no query)."""
    if not person.is_authenticated or person.is_viewer:
        return None
    return Objective.objects.filter(
        approvable_q(person), organization_id=person.organization_id, state=Objective.State.PROPOSED
    )


def approvals_count(person: Person) -> int:
    """How many proposed objectives wait for ``person`` (the nav's badge): one query."""
    waiting = approvals_waiting_for(person)
    return 0 if waiting is None else waiting.count()


# An objective's panel ----------------------------------------------------------------------


def approval_events_of(objective: Objective, *, viewer: Viewer) -> list[ApprovalEvent]:
    """The objective's approval trail, oldest first; a parent it aligned to that the reader may
    not see is left out of each event as read (never of the row)."""
    sight = sight_of(viewer)
    events = ApprovalEvent.objects.filter(
        organization_id=objective.organization_id, objective=objective
    ).select_related("actor", "parent")
    out = list(events)
    for event in out:
        if event.parent is not None and not sight.sees(event.parent):
            event.parent = None
    return out


def dependency_get(organization: Organization, dependency_id, *, viewer: Viewer) -> Dependency:
    dependency = (
        Dependency.objects.filter(organization=organization, pk=uuid_or_404(dependency_id))
        .filter(_dependency_sight(viewer))
        .select_related("objective", "objective__unit", "objective__cycle", "provider")
        .first()
    )
    if dependency is None:
        raise Http404("No such dependency.")
    return dependency


def _dependency_sight(viewer: Viewer) -> Q:
    """A dependency hangs off its objective (and the objective it is provided by, if any): a
    reader sees it only with them."""
    sight = sight_of(viewer)
    return sight.objectives("objective__") & sight.optional("provider_objective")


def _dependencies(organization_id, viewer: Viewer) -> QuerySet[Dependency]:
    found = Dependency.objects.filter(organization_id=organization_id)
    return found.filter(_dependency_sight(viewer)).select_related(
        "objective",
        "objective__unit",
        "objective__cycle",
        "provider",
        "provider_objective",
        "requested_by",
        "acknowledged_by",
    )


@dataclass(frozen=True)
class DependencyRow:
    dependency: Dependency
    can_requester: bool  # may change it as the asking side (and delete it)
    can_provider: bool  # may acknowledge it / change it as the provider side
    next_states: tuple[tuple[str, str], ...] = ()


def _rows(dependencies, access: Access) -> list[DependencyRow]:
    rows = []
    for dep in dependencies:
        requester = can_withdraw_dependency(access, dep)
        provider = can_acknowledge_dependency(access, dep)
        states: tuple[tuple[str, str], ...] = ()
        if requester or provider:
            states = tuple(
                (s, Dependency.State(s).label)
                for s in Dependency.State.values
                if s in DEPENDENCY_TRANSITIONS[dep.state]
            )
        rows.append(DependencyRow(dep, requester, provider, states))
    return rows


@dataclass(frozen=True)
class AlignmentPanel:
    """What the objective page shows about alignment (no queries left for the template)."""

    events: tuple[ApprovalEvent, ...]
    last_return: ApprovalEvent | None
    can_propose: bool
    can_approve: bool
    can_reopen: bool
    approver_label: str
    # The reader proposed it and would otherwise approve it: someone else does.
    own_proposal: bool
    needs: tuple[DependencyRow, ...]  # what this objective asks of other teams
    asked: tuple[DependencyRow, ...]  # what other teams ask of this objective
    can_add_dependency: bool


def _approver_label(objective: Objective, sight: Sight) -> str:
    if objective.unit.kind == Unit.Kind.COMPANY:
        return "an organization admin"
    if objective.parent_id and sight.sees(objective.parent):
        parent = objective.parent
        if parent.owner_id and parent.owner.is_active:
            return f"{parent.owner.name} (owner of “{parent.title}”) or an admin"
        return f"a lead of {parent.unit.name} or an admin"
    above = objective.unit.parent
    return f"a lead of {above.name} or an admin" if above else "an organization admin"


def dependency_providers(access: Access, objective: Objective) -> list[Unit]:
    """The units an objective's team may ask for something: every other unit (no query: the
    unit tree is loaded with the access)."""
    return [
        u
        for u in sorted(access.tree.units.values(), key=lambda u: (u.kind, u.name))
        if u.id != objective.unit_id
    ]


def objective_alignment_flags() -> dict:
    """The flags of the objective page's alignment panel (cadence.core.flags): its approval
    trail, the dependencies it asks or is asked."""
    return {
        "has_approval_events": Exists(ApprovalEvent.objects.filter(objective=OuterRef("pk"))),
        "has_dependencies": Exists(
            Dependency.objects.filter(
                Q(objective=OuterRef("pk")) | Q(provider_objective=OuterRef("pk"))
            )
        ),
    }


def objective_alignment_panel(
    objective: Objective, person: Person, access: Access | None = None, *, reload: bool = True
) -> AlignmentPanel:
    """The panel of an objective; ``reload=False`` takes the objective as given (its page's,
    just read with its unit, cycle and parent: no second read; read with
    ``objective_alignment_flags``, an empty trail or no dependencies are not read)."""
    flags = None if reload else objective
    access = access or Access(person)
    if reload:
        objective = (
            Objective.objects.select_related(
                "unit", "unit__parent", "cycle", "parent", "parent__owner", "parent__unit"
            )
            .filter(organization_id=person.organization_id)
            .get(pk=objective.pk)
        )
    events = (
        ()
        if said_empty(flags, "has_approval_events")
        else tuple(approval_events_of(objective, viewer=person))
    )
    returns = [e for e in events if e.action == ApprovalEvent.Action.RETURNED]
    open_cycle = not objective.cycle.closed_at
    if objective.is_personal:
        # One person's own: no approval, no dependencies; its owner writes it.
        return AlignmentPanel(
            events=events,
            last_return=None,
            can_propose=False,
            can_approve=False,
            can_reopen=False,
            approver_label="",
            own_proposal=False,
            needs=(),
            asked=(),
            can_add_dependency=False,
        )
    editor = open_cycle and can_edit_objectives(access, objective.unit)
    approver = open_cycle and can_approve(access, objective)
    # One of its approvers who may not approve it proposed it (``can_approve``): no second
    # look at the trail.
    own_proposal = open_cycle and not approver and is_approver(access, objective)
    deps = (
        []
        if said_empty(flags, "has_dependencies")
        else list(
            _dependencies(person.organization_id, person).filter(
                Q(objective=objective) | Q(provider_objective=objective)
            )
        )
    )
    return AlignmentPanel(
        events=events,
        last_return=returns[-1] if objective.state == Objective.State.DRAFT and returns else None,
        can_propose=editor and objective.state == Objective.State.DRAFT,
        can_approve=approver and objective.state == Objective.State.PROPOSED,
        can_reopen=editor
        and objective.state in (Objective.State.PROPOSED, Objective.State.APPROVED),
        approver_label=_approver_label(objective, sight_of(person)),
        own_proposal=own_proposal,
        needs=tuple(_rows([d for d in deps if d.objective_id == objective.id], access)),
        asked=tuple(_rows([d for d in deps if d.objective_id != objective.id], access)),
        # A private objective asks no other unit (alignment.services.dependency_create).
        can_add_dependency=editor
        and objective.state != Objective.State.ABANDONED
        and objective.visibility == Objective.Visibility.ORGANIZATION,
    )


# A cycle's dependencies ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderGroup:
    unit: Unit
    rows: tuple[DependencyRow, ...]


def cycle_dependencies(
    organization: Organization, cycle: Cycle, person: Person, *, mine: bool = False
) -> list[ProviderGroup]:
    """The cycle's dependencies grouped by the team asked (by name); ``mine``: only those asked
    of units the person can edit. A fixed number of queries."""
    access = Access(person)
    deps = (
        _dependencies(organization.id, person).filter(objective__cycle=cycle).order_by("created_at")
    )
    if mine:
        deps = deps.filter(provider_id__in=access.editable_unit_ids())
    units: dict[UUID, Unit] = {}
    rows: dict[UUID, list[DependencyRow]] = {}
    for row in _rows(deps, access):
        provider = row.dependency.provider
        units.setdefault(provider.id, provider)
        rows.setdefault(provider.id, []).append(row)
    groups = [ProviderGroup(units[i], tuple(rows[i])) for i in units]
    return sorted(groups, key=lambda g: g.unit.name)


def dependencies_of(organization: Organization, *, viewer: Viewer, cycle: Cycle | None = None):
    deps = _dependencies(organization.id, viewer).order_by("created_at")
    if cycle is not None:
        deps = deps.filter(objective__cycle=cycle)
    return deps


# Alignment health (docs/method.md §7) -------------------------------------------------------------


def alignment_share(aligned: int, total: int) -> float | None:
    """Pure: the share of team objectives aligned or standing alone with a reason (None: none)."""
    if total <= 0:
        return None
    return aligned / total


@dataclass(frozen=True)
class AlignmentHealth:
    share: float | None
    aligned: int
    total: int
    unaligned: tuple[Objective, ...]  # all of them, or the first ``listed`` by unit and title
    unaligned_count: int = 0
    # Department and team objectives, and how many of them align to a higher objective.
    below_company: int = 0
    aligned_to_parent: int = 0

    @property
    def unlisted(self) -> int:
        return self.unaligned_count - len(self.unaligned)


def alignment_health(
    organization: Organization, cycle: Cycle, *, viewer: Viewer, listed: int | None = None
) -> AlignmentHealth:
    """The cycle's alignment health (docs/method.md §7): team objectives that are not abandoned
    count; each is healthy when aligned to a higher objective or standing alone with a stated
    reason. Counted in the database (one query of conditional counts), naming the unhealthy
    ones (all, or the first ``listed``) in a second when there are any."""
    objectives = okr_selectors.objectives_of(organization, viewer).filter(cycle=cycle).order_by()
    team = Q(unit__kind=Unit.Kind.TEAM) & ~Q(state=Objective.State.ABANDONED)
    unhealthy = Q(parent__isnull=True, reason="")
    below_company = Q(unit__kind__isnull=True) | ~Q(unit__kind=Unit.Kind.COMPANY)
    counts = objectives.annotate(reason=Trim("standalone_reason")).aggregate(
        total=Count("id", filter=team),
        unaligned=Count("id", filter=team & unhealthy),
        below_total=Count("id", filter=below_company),
        below_aligned=Count("id", filter=below_company & Q(parent__isnull=False)),
    )
    named: tuple[Objective, ...] = ()
    if counts["unaligned"]:
        rows = (
            objectives.filter(team)
            .annotate(reason=Trim("standalone_reason"))
            .filter(unhealthy)
            .select_related("unit")
            .order_by("unit__name", "title")
        )
        named = tuple(rows if listed is None else rows[:listed])
    aligned = counts["total"] - counts["unaligned"]
    return AlignmentHealth(
        share=alignment_share(aligned, counts["total"]),
        aligned=aligned,
        total=counts["total"],
        unaligned=named,
        unaligned_count=counts["unaligned"],
        below_company=counts["below_total"],
        aligned_to_parent=counts["below_aligned"],
    )
