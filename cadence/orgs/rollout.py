"""Pure: who is in the organization's rollout (docs/method.md §9).

An organization starts using Cadence with everyone, with its team leads only, or with one or more
pilot units. The weekly rhythm asks only the people *in* the rollout for their updates: the others
are never reminded, nudged or counted as missing, though they may use Cadence as they like.

- ``everyone`` (the default): every person is in.
- ``leads``: a person who leads at least one unit (a team, a department or the company).
- ``pilot``: a person with a membership (lead or member) in a pilot unit or in any unit below
  one; a department chosen as the pilot brings its teams along.

No database here: the selector (``orgs.rollout_selectors``) gathers the plain facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

EVERYONE = "everyone"
LEADS = "leads"
PILOT = "pilot"
MODES = (PILOT, LEADS, EVERYONE)

LEAD = "lead"


@dataclass(frozen=True)
class MembershipFact:
    """One membership: its role, and the ids of its unit and every unit above it (the unit
    first, the company last)."""

    role: str
    unit_path: tuple[UUID, ...]


def in_rollout(
    mode: str, pilot_unit_ids: Iterable[UUID], memberships: Iterable[MembershipFact]
) -> bool:
    """Whether a person with these memberships is in the rollout under ``mode``."""
    if mode == EVERYONE:
        return True
    if mode == LEADS:
        return any(m.role == LEAD for m in memberships)
    if mode == PILOT:
        pilots = frozenset(pilot_unit_ids)
        return any(pilots.intersection(m.unit_path) for m in memberships)
    raise ValueError(f"Unknown rollout mode: {mode!r}")


def unit_path(unit_id: UUID, parents: dict[UUID, UUID | None]) -> tuple[UUID, ...]:
    """The unit's id and its ancestors' up to the root, from a unit → parent map (a unit missing
    from the map ends the path; a loop, which the tree never holds, is cut)."""
    path: list[UUID] = []
    current: UUID | None = unit_id
    while current is not None and current not in path:
        path.append(current)
        current = parents.get(current)
    return tuple(path)
