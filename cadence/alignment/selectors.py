"""Alignment reads: who approves an objective, what waits for a person's approval, an
objective's approval trail and dependencies, a cycle's alignment health and dependencies.

``can_approve`` is THE approval rule (docs/decisions.md); ``approvable_q`` is the same rule as a
database filter, so the nav's count is one query (tests check that both agree).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Trim
from django.http import Http404

from cadence.alignment.models import ApprovalEvent, Dependency
from cadence.okrs.models import Cycle, Objective
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import Access, _uuid_or_404

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


def can_approve(access: Access, objective: Objective) -> bool:
    """Whether ``access.person`` may approve (or return) ``objective``.

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
    return ~Q(unit__kind=Unit.Kind.COMPANY) & (
        Q(owned_parent, parent__owner=person)
        | Q(~owned_parent, parent__isnull=False, parent__unit__in=led.values("id"))
        | Q(parent__isnull=True, unit__parent__in=led.values("id"))
    )


def approvals_waiting(person: Person) -> list[Objective]:
    """Proposed objectives ``person`` may approve, oldest first, in one query."""
    return list(
        Objective.objects.filter(
            approvable_q(person),
            organization_id=person.organization_id,
            state=Objective.State.PROPOSED,
        )
        .select_related("unit", "cycle", "owner", "parent", "parent__unit", "created_by")
        .order_by("updated_at")
    )


def approvals_count(person: Person) -> int:
    """How many proposed objectives wait for ``person`` (the nav's badge): one query."""
    if not person.is_authenticated or person.is_viewer:
        return 0
    return Objective.objects.filter(
        approvable_q(person), organization_id=person.organization_id, state=Objective.State.PROPOSED
    ).count()


# An objective's panel ----------------------------------------------------------------------


def approval_events_of(objective: Objective) -> QuerySet[ApprovalEvent]:
    return ApprovalEvent.objects.filter(
        organization_id=objective.organization_id, objective=objective
    ).select_related("actor")


def dependency_get(organization: Organization, dependency_id) -> Dependency:
    dependency = (
        Dependency.objects.filter(organization=organization, pk=_uuid_or_404(dependency_id))
        .select_related("objective", "objective__unit", "objective__cycle", "provider")
        .first()
    )
    if dependency is None:
        raise Http404("No such dependency.")
    return dependency


def _dependencies(organization_id) -> QuerySet[Dependency]:
    return Dependency.objects.filter(organization_id=organization_id).select_related(
        "objective",
        "objective__unit",
        "objective__cycle",
        "provider",
        "provider_objective",
        "requested_by",
        "acknowledged_by",
    )


@dataclass
class DependencyRow:
    dependency: Dependency
    can_requester: bool  # may change it as the asking side (and delete it)
    can_provider: bool  # may acknowledge it / change it as the provider side
    next_states: list[tuple[str, str]] = field(default_factory=list)


def _rows(dependencies, access: Access) -> list[DependencyRow]:
    rows = []
    for dep in dependencies:
        requester = not access.person.is_viewer and access.can_edit_unit(dep.objective.unit)
        provider = not access.person.is_viewer and access.can_edit_unit(dep.provider)
        states = []
        if requester or provider:
            states = [
                (s, Dependency.State(s).label)
                for s in Dependency.State.values
                if s in DEPENDENCY_TRANSITIONS[dep.state]
            ]
        rows.append(DependencyRow(dep, requester, provider, states))
    return rows


@dataclass
class AlignmentPanel:
    """What the objective page shows about alignment (no queries left for the template)."""

    events: list[ApprovalEvent]
    last_return: ApprovalEvent | None
    can_propose: bool
    can_approve: bool
    can_reopen: bool
    approver_label: str
    needs: list[DependencyRow]  # what this objective asks of other teams
    asked: list[DependencyRow]  # what other teams ask of this objective
    can_add_dependency: bool


def _approver_label(objective: Objective) -> str:
    if objective.unit.kind == Unit.Kind.COMPANY:
        return "an organization admin"
    if objective.parent_id:
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


def objective_alignment_panel(
    objective: Objective, person: Person, access: Access | None = None
) -> AlignmentPanel:
    access = access or Access(person)
    objective = (
        Objective.objects.select_related(
            "unit", "unit__parent", "cycle", "parent", "parent__owner", "parent__unit"
        )
        .filter(organization_id=person.organization_id)
        .get(pk=objective.pk)
    )
    events = list(approval_events_of(objective))
    returns = [e for e in events if e.action == ApprovalEvent.Action.RETURNED]
    open_cycle = not objective.cycle.closed_at
    editor = open_cycle and not person.is_viewer and access.can_edit_unit(objective.unit)
    approver = open_cycle and can_approve(access, objective)
    deps = list(
        _dependencies(person.organization_id).filter(
            Q(objective=objective) | Q(provider_objective=objective)
        )
    )
    return AlignmentPanel(
        events=events,
        last_return=returns[-1] if objective.state == Objective.State.DRAFT and returns else None,
        can_propose=editor and objective.state == Objective.State.DRAFT,
        can_approve=approver
        and objective.state in (Objective.State.DRAFT, Objective.State.PROPOSED),
        can_reopen=editor
        and objective.state in (Objective.State.PROPOSED, Objective.State.APPROVED),
        approver_label=_approver_label(objective),
        needs=_rows([d for d in deps if d.objective_id == objective.id], access),
        asked=_rows([d for d in deps if d.objective_id != objective.id], access),
        can_add_dependency=editor and objective.state != Objective.State.ABANDONED,
    )


# A cycle's dependencies ----------------------------------------------------------------------


@dataclass
class ProviderGroup:
    unit: Unit
    rows: list[DependencyRow]


def cycle_dependencies(
    organization: Organization, cycle: Cycle, person: Person, *, mine: bool = False
) -> list[ProviderGroup]:
    """The cycle's dependencies grouped by the team asked (by name); ``mine``: only those asked
    of units the person can edit. A fixed number of queries."""
    access = Access(person)
    deps = _dependencies(organization.id).filter(objective__cycle=cycle).order_by("created_at")
    if mine:
        deps = deps.filter(provider_id__in=access.editable_unit_ids())
    groups: dict[UUID, ProviderGroup] = {}
    for row in _rows(deps, access):
        provider = row.dependency.provider
        groups.setdefault(provider.id, ProviderGroup(provider, [])).rows.append(row)
    return sorted(groups.values(), key=lambda g: g.unit.name)


def dependencies_of(organization: Organization, *, cycle: Cycle | None = None):
    deps = _dependencies(organization.id).order_by("created_at")
    if cycle is not None:
        deps = deps.filter(objective__cycle=cycle)
    return deps


# Alignment health (method.md §7) -------------------------------------------------------------


def alignment_share(aligned: int, total: int) -> float | None:
    """Pure: the share of team objectives aligned or standing alone with a reason (None: none)."""
    if total <= 0:
        return None
    return aligned / total


@dataclass
class AlignmentHealth:
    share: float | None
    aligned: int
    total: int
    unaligned: list[Objective]  # all of them, or the first ``listed`` by unit and title
    unaligned_count: int = 0
    # Department and team objectives, and how many of them align to a higher objective.
    below_company: int = 0
    aligned_to_parent: int = 0

    @property
    def unlisted(self) -> int:
        return self.unaligned_count - len(self.unaligned)


def alignment_health(
    organization: Organization, cycle: Cycle, *, listed: int | None = None
) -> AlignmentHealth:
    """The cycle's alignment health (method.md §7): team objectives that are not abandoned
    count; each is healthy when aligned to a higher objective or standing alone with a stated
    reason. Counted in the database (three queries), naming the unhealthy ones (all, or the
    first ``listed``) in a fourth."""
    objectives = Objective.objects.filter(organization=organization, cycle=cycle).order_by()
    teams = objectives.filter(unit__kind=Unit.Kind.TEAM).exclude(state=Objective.State.ABANDONED)
    unaligned = teams.filter(parent__isnull=True).annotate(reason=Trim("standalone_reason"))
    unaligned = unaligned.filter(reason="")
    counts = {"total": teams.count(), "unaligned": unaligned.count()}
    below = objectives.exclude(unit__kind=Unit.Kind.COMPANY).aggregate(
        total=Count("id"), aligned=Count("id", filter=Q(parent__isnull=False))
    )
    named = unaligned.select_related("unit").order_by("unit__name", "title")
    aligned = counts["total"] - counts["unaligned"]
    return AlignmentHealth(
        share=alignment_share(aligned, counts["total"]),
        aligned=aligned,
        total=counts["total"],
        unaligned=list(named if listed is None else named[:listed]),
        unaligned_count=counts["unaligned"],
        below_company=below["total"],
        aligned_to_parent=below["aligned"],
    )
