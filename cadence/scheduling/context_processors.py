"""``digest_follows``: who the signed-in person gets which team's digest as, read once per
request and only when a page draws the follow button (``{% digest_follow unit %}``, whose tag
then runs no queries of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from uuid import UUID

from django.http import HttpRequest

from cadence.orgs.models import Person, Unit
from cadence.orgs.selectors import Access
from cadence.scheduling.models import DigestSubscription


@dataclass(frozen=True)
class DigestFollow:
    """The follow button of one team's digest: hidden (not a team, nobody signed in), a member's
    note (members get it anyway), or follow / unfollow."""

    show: bool
    is_member: bool = False
    subscribed: bool = False


class DigestFollows:
    """The signed-in person's teams and followed digests, fetched on first use (one query; their
    memberships are the request's, ``Access.of``, read once for every use)."""

    def __init__(self, person: Person | None, known: dict[UUID, bool] | None = None) -> None:
        self.person = person
        # Units whose follow the page read already (unit id → followed): no query for them.
        self.known = known or {}

    @cached_property
    def _member_of(self) -> frozenset[UUID]:
        return frozenset(Access.of(self.person).memberships)

    @cached_property
    def _following(self) -> frozenset[UUID]:
        return frozenset(
            DigestSubscription.objects.filter(person=self.person).values_list("unit_id", flat=True)
        )

    def of(self, unit: Unit) -> DigestFollow:
        if self.person is None or unit.kind != Unit.Kind.TEAM:
            return DigestFollow(show=False)
        is_member = unit.id in self._member_of
        if is_member:
            return DigestFollow(show=True, is_member=True)
        followed = self.known.get(unit.id)
        if followed is None:
            followed = unit.id in self._following
        return DigestFollow(show=True, subscribed=followed)


def digest_follows(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    person = user if user is not None and user.is_authenticated else None
    return {"digest_follows": DigestFollows(person)}
