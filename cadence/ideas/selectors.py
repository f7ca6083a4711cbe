"""Ideas rounds: organization-scoped reads, who may read, take part in and lead a round, and the
rows its pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cadence.core.flags import said_empty
from cadence.core.ids import uuid_or_404
from cadence.ideas import rules
from cadence.ideas.models import Comment, Idea, Prompt, Round, Vote
from cadence.okrs import selectors as okr_selectors
from cadence.okrs.models import Objective
from cadence.okrs.visibility import Sight
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import Access, UnitTree, people_of

SORTS = {"votes": "Most votes", "newest": "Newest"}
DEFAULT_SORT = "votes"


def rounds_of(organization: Organization) -> QuerySet[Round]:
    return Round.objects.filter(organization=organization).select_related("unit", "cycle")


def round_get(organization: Organization, round_id) -> Round:
    found = rounds_of(organization).filter(pk=uuid_or_404(round_id)).first()
    if found is None:
        raise Http404("No such ideas round.")
    return found


def idea_get(organization: Organization, idea_id) -> Idea:
    found = (
        Idea.objects.filter(organization=organization, pk=uuid_or_404(idea_id))
        .select_related("round__unit", "round__cycle", "prompt", "author")
        .first()
    )
    if found is None:
        raise Http404("No such idea.")
    return found


def prompt_get(ideas_round: Round, prompt_id) -> Prompt:
    """One of the round's prompts (a filter naming another is a 404, as pages do)."""
    found = ideas_round.prompts.filter(pk=uuid_or_404(prompt_id)).first()
    if found is None:
        raise Http404("No such prompt.")
    return found


def is_organization_round(ideas_round: Round) -> bool:
    """A round of the company unit is the whole organization's."""
    return ideas_round.unit.kind == Unit.Kind.COMPANY


def round_status(ideas_round: Round, today: date | None = None) -> str:
    return rules.status(ideas_round.opens_on, ideas_round.closes_on, today or timezone.localdate())


class RoundAccess:
    """Who may do what with ideas rounds.

    - read: an organization round, everyone in it; a unit's round, the people who belong to the
      unit or to a unit below it, the leads above it, and admins;
    - take part (answer, upvote, comment): those readers who are not read-only viewers;
    - lead (promote and decline ideas): the round's opener, leads of its unit or above, admins;
    - open a round for a unit: its leads, leads above it, and admins (for the whole
      organization: admins and the company's leads).
    """

    def __init__(self, person: Person, tree: UnitTree | None = None):
        self.person = person
        self.access = Access(person, tree)

    def _belongs_under(self, unit: Unit) -> bool:
        tree = self.access.tree
        for unit_id in self.access.memberships:
            if unit_id == unit.id or any(a.id == unit.id for a in tree.ancestors(unit_id)):
                return True
        return False

    def can_read(self, ideas_round: Round) -> bool:
        person = self.person
        if ideas_round.organization_id != person.organization_id or not person.is_active:
            return False
        if person.is_admin or is_organization_round(ideas_round):
            return True
        return self._belongs_under(ideas_round.unit) or self.access.can_lead_unit(ideas_round.unit)

    def can_take_part(self, ideas_round: Round) -> bool:
        return not self.person.is_viewer and self.can_read(ideas_round)

    def can_lead(self, ideas_round: Round) -> bool:
        if not self.can_take_part(ideas_round):
            return False
        return ideas_round.opened_by_id == self.person.pk or self.access.can_lead_unit(
            ideas_round.unit
        )

    def can_open(self, unit: Unit) -> bool:
        return self.access.can_lead_unit(unit) and unit.archived_at is None

    def units_to_open(self) -> list[tuple[Unit, int]]:
        """The units the person may open a round for, in tree order (with their depth)."""
        return [(u, d) for u, d in self.access.tree.walk() if self.can_open(u)]


def round_participants(ideas_round: Round) -> QuerySet[Person]:
    """Who is told when the round opens: everyone but viewers for the organization's round;
    for a unit's, the people who belong to it or to a unit below it and the leads above it."""
    people = people_of(ideas_round.organization).exclude(role=Person.Role.VIEWER)
    if is_organization_round(ideas_round):
        return people.order_by("name")
    tree = UnitTree.load(ideas_round.organization)
    below = [ideas_round.unit.id, *(u.id for u in tree.descendants(ideas_round.unit.id))]
    above = [u.id for u in tree.ancestors(ideas_round.unit.id)]
    memberships = Membership.objects.filter(person=OuterRef("pk"))
    return people.filter(
        Exists(memberships.filter(unit__in=below))
        | Exists(memberships.filter(unit__in=above, role=Membership.Role.LEAD))
    ).order_by("name")


# The list of rounds --------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRow:
    round: Round
    status: str
    ideas: int
    promoted: int

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.status]


def rounds_for(person: Person, *, today: date | None = None) -> list[RoundRow]:
    """The rounds the person may read: open first, then those still to open (soonest first),
    then closed ones (latest first)."""
    today = today or timezone.localdate()
    access = RoundAccess(person)
    rounds = (
        rounds_of(person.organization)
        .prefetch_related("prompts")
        .annotate(
            idea_count=Count("ideas", distinct=True),
            promoted_count=Count(
                "ideas", filter=Q(ideas__state=Idea.State.PROMOTED), distinct=True
            ),
        )
    )
    rows = [
        RoundRow(r, round_status(r, today), r.idea_count, r.promoted_count)
        for r in rounds
        if access.can_read(r)
    ]
    rows.sort(key=_list_order)
    return rows


def _list_order(row: RoundRow) -> tuple[int, int]:
    # Open rounds closing soonest first, then those opening soonest, then the latest closed.
    r = row.round
    if row.status == rules.OPEN:
        return (0, r.closes_on.toordinal())
    if row.status == rules.UPCOMING:
        return (1, r.opens_on.toordinal())
    return (2, -r.closes_on.toordinal())


# A round's page --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaRow:
    idea: Idea
    votes: int
    voted: bool  # by the reader
    comments: list[Comment]
    objective: Objective | None  # the draft objective it became, while it exists

    @property
    def id(self) -> UUID:
        return self.idea.id


def ideas_of(
    ideas_round: Round,
    *,
    person: Person | None = None,
    sort: str = DEFAULT_SORT,
    prompt: Prompt | None = None,
) -> list[IdeaRow]:
    """The round's ideas with their votes, the reader's vote, comments and the objective each
    became: by votes (ties: newest first) or newest first; only one prompt's when given. A fixed
    number of queries."""
    ideas = (
        Idea.objects.filter(round=ideas_round)
        .select_related("author", "prompt", "decided_by")
        .annotate(vote_count=Count("votes"))
    )
    if prompt is not None:
        ideas = ideas.filter(prompt=prompt)
    if person is not None:
        ideas = ideas.annotate(
            voted=Exists(Vote.objects.filter(idea=OuterRef("pk"), person=person))
        )
    order = ("-created_at", "-id") if sort == "newest" else ("-vote_count", "-created_at", "-id")
    ideas = list(ideas.order_by(*order))
    comments: dict[UUID, list[Comment]] = {i.id: [] for i in ideas}
    for comment in Comment.objects.filter(idea__in=ideas).select_related("author"):
        comments[comment.idea_id].append(comment)
    objective_ids = [i.objective_id for i in ideas if i.objective_id]
    # The objectives the reader may see (okrs.visibility; without a reader, what everyone sees):
    # an idea whose objective is hidden shows that it was promoted, not where to.
    reader = person if person is not None else Sight.public(ideas_round.organization_id)
    objectives = {
        o.id: o
        for o in okr_selectors.objectives_of(ideas_round.organization, reader).filter(
            pk__in=objective_ids
        )
    }
    return [
        IdeaRow(
            idea=i,
            votes=i.vote_count,
            voted=bool(getattr(i, "voted", False)),
            comments=comments[i.id],
            objective=objectives.get(i.objective_id),
        )
        for i in ideas
    ]


def objective_idea_flags() -> dict:
    """The flag of an objective page's idea (cadence.core.flags): whether it was promoted from
    one."""
    return {"from_an_idea": Exists(Idea.objects.filter(objective=OuterRef("pk")))}


def idea_for_objective(organization: Organization, objective: Objective) -> Idea | None:
    """The idea an objective was promoted from, if any (shown on the objective's page; not read
    when the objective was read with its flag and it was promoted from none)."""
    if said_empty(objective, "from_an_idea"):
        return None
    return (
        Idea.objects.filter(organization=organization, objective_id=objective.pk)
        .select_related("round__cycle", "round__unit")
        .first()
    )


def vote_count(idea: Idea) -> int:
    return Vote.objects.filter(idea=idea).count()
