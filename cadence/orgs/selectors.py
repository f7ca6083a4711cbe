"""Organization-scoped reads of units and people, and the access rules built on them."""

from dataclasses import dataclass, field
from uuid import UUID

from django.db import router
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404

from cadence.core.ids import uuid_or_404
from cadence.orgs.models import ApiToken, Membership, Organization, Person, Unit


def units_of(organization: Organization) -> QuerySet[Unit]:
    return Unit.objects.filter(organization=organization)


def active_units_of(organization: Organization) -> QuerySet[Unit]:
    """The units new work can be assigned to: all but the archived ones."""
    return units_of(organization).filter(archived_at__isnull=True)


def unit_get(organization: Organization, unit_id, *, flags: dict | None = None) -> Unit:
    """The organization's unit (404 for a foreign or missing one). ``flags``: annotations the
    caller reads with it (a page's ``Exists`` of what its panels list, so that an empty panel
    costs no query of its own)."""
    unit = units_of(organization).filter(pk=uuid_or_404(unit_id)).annotate(**(flags or {})).first()
    if unit is None:
        raise Http404("No such unit.")
    return unit


def company_unit(organization: Organization) -> Unit:
    return units_of(organization).get(kind=Unit.Kind.COMPANY)


def people_of(organization: Organization) -> QuerySet[Person]:
    return Person.objects.filter(organization=organization, is_active=True)


def person_get(organization: Organization, person_id) -> Person:
    person = people_of(organization).filter(pk=uuid_or_404(person_id)).first()
    if person is None:
        raise Http404("No such person.")
    return person


def person_get_for(viewer: Person, person_id) -> Person:
    """``person_get`` in the reader's organization; the reader's own object when it is them (a
    request's ``user``: what was read for them, their sight and access, is not read again)."""
    if viewer.is_active and uuid_or_404(person_id) == viewer.pk:
        return viewer
    return person_get(viewer.organization, person_id)


def everyone_of(organization: Organization) -> QuerySet[Person]:
    """Everyone who is or was in the organization, deactivated people too (whose history, such
    as the audit trail, stays readable)."""
    return Person.objects.filter(organization=organization)


def anyone_get(organization: Organization, person_id) -> Person:
    """``person_get``, deactivated people included."""
    person = everyone_of(organization).filter(pk=uuid_or_404(person_id)).first()
    if person is None:
        raise Http404("No such person.")
    return person


# The unit rows of recently seen organizations, in this process, with a fingerprint of them (how
# many, and the latest change). A process that has the rows asks for them again only if the
# fingerprint changed — in the same query, which answers nothing when it did not — so a unit
# created, changed or deleted by any process is seen on the next load and a stale tree is never
# served. Always one query. Only plain values are kept: every load builds its own Unit instances.
_UNIT_ROWS: dict = {}
_UNIT_ROWS_MAX = 64
_UNIT_FIELDS = [f.attname for f in Unit._meta.concrete_fields]
_UPDATED_AT = _UNIT_FIELDS.index("updated_at")
_ID = _UNIT_FIELDS.index("id")


def _unit_rows(organization: Organization) -> list[tuple]:
    return _unit_rows_and_roles(organization)[0]


def _unit_rows_and_roles(
    organization: Organization, member: Person | None = None
) -> tuple[list[tuple], dict[UUID, str]]:
    """The unit rows (see ``_UNIT_ROWS``) and, given a ``member``, their memberships (unit id →
    role; ``memberships_of``) in the same query: each row carries the member's role in it, and
    when the fingerprint is unchanged the rows of their units come back, and no others."""
    units = units_of(organization).order_by("name")
    if member is not None:
        units = units.annotate(
            member_role=Subquery(
                Membership.objects.filter(person=member, unit=OuterRef("pk")).values("role")[:1]
            )
        )
    cached = _UNIT_ROWS.get(organization.pk)
    if cached is not None:
        (count, latest), rows = cached
        now = units_of(organization).order_by().values("organization_id")
        units = units.annotate(
            fingerprint_n=Subquery(now.annotate(n=Count("id")).values("n")),
            fingerprint_latest=Subquery(now.annotate(latest=Max("updated_at")).values("latest")),
        ).annotate(
            unchanged=ExpressionWrapper(
                Q(fingerprint_n=count, fingerprint_latest=latest), output_field=BooleanField()
            )
        )
        changed = Q(unchanged=False)
        units = units.filter(changed | Q(member_role__isnull=False) if member else changed)
    extra = ["member_role"] if member is not None else []
    if cached is not None:
        extra.append("unchanged")
    n = len(_UNIT_FIELDS)
    found = list(units.values_list(*_UNIT_FIELDS, *extra))
    roles = {row[_ID]: row[n] for row in found if member is not None and row[n] is not None}
    if cached is not None and (not found or found[0][-1]):
        return cached[1], roles  # unchanged (an organization always has its company unit)
    fresh = [row[:n] for row in found]
    fingerprint = (len(fresh), max((r[_UPDATED_AT] for r in fresh), default=None))
    if len(_UNIT_ROWS) >= _UNIT_ROWS_MAX:
        _UNIT_ROWS.clear()
    _UNIT_ROWS[organization.pk] = (fingerprint, fresh)
    return fresh, roles


@dataclass
class UnitTree:
    """The whole unit tree of an organization, in one query (see ``_unit_rows``)."""

    units: dict[UUID, Unit]
    children: dict[UUID | None, list[Unit]] = field(default_factory=dict)

    @classmethod
    def load(cls, organization: Organization) -> "UnitTree":
        return cls.from_rows(_unit_rows(organization))

    @classmethod
    def load_with_memberships(
        cls, organization: Organization, person: Person
    ) -> tuple["UnitTree", dict[UUID, str]]:
        """The tree and the person's memberships (``memberships_of``), in one query."""
        rows, roles = _unit_rows_and_roles(organization, person)
        return cls.from_rows(rows), roles

    @classmethod
    def from_rows(cls, rows: list[tuple]) -> "UnitTree":
        db = router.db_for_read(Unit)
        units = {}
        for row in rows:
            unit = Unit.from_db(db, _UNIT_FIELDS, row)
            units[unit.id] = unit
        tree = cls(units=units)
        for unit in units.values():
            tree.children.setdefault(unit.parent_id, []).append(unit)
        return tree

    @property
    def root(self) -> Unit | None:
        roots = self.children.get(None, [])
        return roots[0] if roots else None

    def ancestors(self, unit_id: UUID) -> list[Unit]:
        """From the unit's parent up to the company."""
        out = []
        unit = self.units.get(unit_id)
        seen = set()
        while unit is not None and unit.parent_id and unit.parent_id not in seen:
            seen.add(unit.parent_id)
            unit = self.units.get(unit.parent_id)
            if unit is not None:
                out.append(unit)
        return out

    def descendants(self, unit_id: UUID) -> list[Unit]:
        out: list[Unit] = []
        stack = list(self.children.get(unit_id, []))
        while stack:
            unit = stack.pop()
            out.append(unit)
            stack.extend(self.children.get(unit.id, []))
        return out

    def walk(self) -> list[tuple[Unit, int]]:
        """Depth-first (unit, depth), company first, siblings by name."""
        out: list[tuple[Unit, int]] = []

        def visit(unit: Unit, depth: int) -> None:
            out.append((unit, depth))
            for child in self.children.get(unit.id, []):
                visit(child, depth + 1)

        if self.root:
            visit(self.root, 0)
        return out


# organization id → (the cached unit rows it was made from, the outline): kept while
# ``_unit_rows`` returns the very same rows (unchanged fingerprint). Never to be mutated.
_OUTLINES: dict[UUID, tuple[list[tuple], list[tuple[UUID, str, int]]]] = {}


def unit_outline(organization: Organization) -> list[tuple[UUID, str, int]]:
    """Every unit as (id, name, depth), in ``UnitTree.walk``'s order (company first, siblings by
    name), read from the same cached rows without building a ``Unit`` per row: for a page that
    lists every unit by name only (a filter's choices), which at thousands of units would
    otherwise spend more on instances than on its own query."""
    rows = _unit_rows(organization)
    kept = _OUTLINES.get(organization.pk)
    if kept is not None and kept[0] is rows:  # the same cached rows: the same outline
        return kept[1]
    pk, name, parent = (_UNIT_FIELDS.index(f) for f in ("id", "name", "parent_id"))
    children: dict[UUID | None, list[tuple]] = {}
    for row in rows:
        children.setdefault(row[parent], []).append(row)
    out: list[tuple[UUID, str, int]] = []
    roots = children.get(None, [])
    stack = [(roots[0], 0)] if roots else []
    while stack:
        row, depth = stack.pop()
        out.append((row[pk], row[name], depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(row[pk], [])))
    if len(_OUTLINES) >= _UNIT_ROWS_MAX:
        _OUTLINES.clear()
    _OUTLINES[organization.pk] = (rows, out)
    return out


def memberships_of(person: Person) -> dict[UUID, str]:
    """unit id → membership role for a person."""
    return dict(Membership.objects.filter(person=person).values_list("unit_id", "role"))


def person_memberships(person: Person) -> QuerySet[Membership]:
    """A person's memberships with their units (not archived), leads first, by unit name."""
    return (
        Membership.objects.filter(person=person, unit__archived_at__isnull=True)
        .select_related("unit")
        .order_by("-role", "unit__name")
    )


def unit_members(unit: Unit) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(unit=unit, person__is_active=True)
        .select_related("person")
        .order_by("-role", "person__name")
    )


def api_tokens_of(person: Person) -> QuerySet[ApiToken]:
    """A person's own API tokens (only hashes are stored), newest first."""
    return ApiToken.objects.filter(person=person).order_by("-created_at")


def person_units(person: Person) -> list[Unit]:
    return list(Unit.objects.filter(memberships__person=person).order_by("kind", "name").distinct())


class Access:
    """What one person may change. Everyone in the organization may read everything.

    - admins change anything in their organization;
    - viewers change nothing;
    - members change the OKRs of the units they belong to, and leads also those of every unit
      below theirs.
    """

    def __init__(self, person: Person, tree: UnitTree | None = None):
        self.person = person
        self._tree = tree
        self._memberships: dict[UUID, str] | None = None

    @classmethod
    def of(cls, person: Person, tree: UnitTree | None = None) -> "Access":
        """The person object's one ``Access`` (a request's ``user``: its memberships and unit
        tree are read once per request, however many reads ask), kept as long as the person's
        sight (``okrs.visibility.forget`` drops both)."""
        access = person.__dict__.get("_cadence_access")
        if access is None:
            access = person.__dict__["_cadence_access"] = cls(person, tree)
        elif tree is not None and access._tree is None:
            access._tree = tree
        return access

    def _load_both(self) -> None:
        """The first of the two a reader asks for reads the other with it (one query)."""
        self._tree, self._memberships = UnitTree.load_with_memberships(
            self.person.organization, self.person
        )

    @property
    def tree(self) -> UnitTree:
        if self._tree is None:
            if self._memberships is None:
                self._load_both()
            else:
                self._tree = UnitTree.load(self.person.organization)
        return self._tree

    @property
    def memberships(self) -> dict[UUID, str]:
        if self._memberships is None:
            if self._tree is None:
                self._load_both()
            else:
                self._memberships = memberships_of(self.person)
        return self._memberships

    def can_edit_unit(self, unit: Unit) -> bool:
        if unit.organization_id != self.person.organization_id or not self.person.is_active:
            return False
        if self.person.is_admin:
            return True
        if self.person.is_viewer:
            return False
        if unit.id in self.memberships:
            return True
        return any(
            self.memberships.get(a.id) == Membership.Role.LEAD for a in self.tree.ancestors(unit.id)
        )

    def can_lead_unit(self, unit: Unit) -> bool:
        """Admins, and leads of the unit or of a unit above it (not its ordinary members)."""
        if unit.organization_id != self.person.organization_id or not self.person.is_active:
            return False
        if self.person.is_admin:
            return True
        if self.person.is_viewer:
            return False
        if self.memberships.get(unit.id) == Membership.Role.LEAD:
            return True
        return any(
            self.memberships.get(a.id) == Membership.Role.LEAD for a in self.tree.ancestors(unit.id)
        )

    def editable_unit_ids(self) -> set[UUID]:
        return {u.id for u in self.tree.units.values() if self.can_edit_unit(u)}
