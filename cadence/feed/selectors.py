"""Organization-scoped reads of the discussion (comments and likes per target), notifications,
and the organization's feed.

The feed merges four sources, newest first: key-result check-ins, completed plans (weekly items
moved into Progress), comments, and new objectives. Each source is one query limited to a page,
and the pages are merged in Python, so a page of the feed costs the same few queries however
much has happened. Pages are cut by a cursor (time, kind, id) so events that share a moment are
neither repeated nor skipped between pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import Http404

from cadence.core.flags import said_empty
from cadence.core.ids import uuid_or_404
from cadence.core.limits import FIRST_YEAR, LAST_YEAR
from cadence.feed.models import (
    Comment,
    DailyDigest,
    Like,
    Notification,
    NotificationPreference,
)
from cadence.feed.targets import Target, comments_url, like_url, target_field, target_segment
from cadence.okrs.models import CheckIn, Objective
from cadence.okrs.selectors import Viewer
from cadence.okrs.visibility import sight_of
from cadence.orgs.models import Membership, Organization, Person, Unit
from cadence.orgs.selectors import UnitTree
from cadence.weekly.models import PROGRESS, Item, ItemMove

FEED_PAGE = 30
MAX_FEED_PAGE = 100


# Comments and likes -----------------------------------------------------------------------


def comment_sight(viewer: Viewer, prefix: str = "") -> Q:
    """A comment is seen with what it is on: an objective, a key result, or a weekly item
    linked to one (okrs.visibility)."""
    sight = sight_of(viewer)
    return (
        sight.optional(f"{prefix}objective", personal=True)
        & sight.optional(f"{prefix}key_result__objective", personal=True)
        & sight.optional(f"{prefix}item__objective", personal=True)
        & sight.optional(f"{prefix}item__key_result__objective", personal=True)
    )


def _live_comments() -> QuerySet[Comment]:
    return Comment.objects.filter(deleted_at__isnull=True).select_related("author")


def comment_get(organization: Organization, comment_id, *, viewer: Viewer) -> Comment:
    comment = (
        _live_comments()
        .filter(organization=organization, pk=uuid_or_404(comment_id))
        .filter(comment_sight(viewer))
        .select_related("item", "item__update", "objective", "key_result")
        .first()
    )
    if comment is None:
        raise Http404("No such comment.")
    return comment


def comments_of(target: Target) -> QuerySet[Comment]:
    """The target's comments, oldest first (authors loaded)."""
    return _live_comments().filter(
        organization_id=target.organization_id, **{target_field(target): target}
    )


def like_count(target: Target) -> int:
    return Like.objects.filter(**{target_field(target): target}).count()


@dataclass
class Discussion:
    """What the discussion partial shows for one target, as seen by one person."""

    target: Target
    segment: str  # "objectives", "key-results" or "weekly-items": the target's URL segment
    comments: list[Comment] = field(default_factory=list)
    like_count: int = 0
    liked: bool = False
    can_write: bool = False

    @property
    def dom_id(self) -> str:
        return f"discussion-{self.target.pk}"

    @property
    def name(self) -> str:
        """What is discussed: the weekly item's text or the objective's or key result's title."""
        return self.target.text if isinstance(self.target, Item) else self.target.title

    @property
    def comments_url(self) -> str:
        return comments_url(self.target)

    @property
    def like_url(self) -> str:
        return like_url(self.target)


def _can_write(viewer: Person) -> bool:
    return viewer.is_active and not viewer.is_viewer


def objective_discussion_flags() -> dict:
    """The flags of an objective page's discussions (cadence.core.flags): comments and likes on
    it or on its key results."""

    def on_it(rows: QuerySet) -> ExpressionWrapper:
        # Two Exists, not one with an OR across the join: PostgreSQL planned that one as a hash
        # join with every key result of the database (~45 ms at org-100k); each of these two
        # reads an index (the rows' objective; the objective's key results, then their rows).
        on_objective = Exists(rows.filter(objective=OuterRef("pk")))
        on_key_results = Exists(rows.filter(key_result__objective=OuterRef("pk")))
        return ExpressionWrapper(Q(on_objective) | Q(on_key_results), output_field=BooleanField())

    return {
        "has_comments": on_it(Comment.objects.filter(deleted_at__isnull=True)),
        "has_likes": on_it(Like.objects.all()),
    }


def discussions_for(viewer: Person, targets: list[Target], *, flags=None) -> dict[UUID, Discussion]:
    """Target id → its Discussion, for a list of targets of the viewer's organization: two
    queries, however many targets of however many kinds (fewer when ``flags``, an objective as
    its page read it, says there are no comments or no likes on it and its key results: the
    targets are then that objective and its key results)."""
    out: dict[UUID, Discussion] = {}
    by_field: dict[str, list[Target]] = {}
    for target in targets:
        if target.organization_id != viewer.organization_id:
            raise Http404("Not found.")
        out[target.pk] = Discussion(
            target=target, segment=target_segment(target), can_write=_can_write(viewer)
        )
        by_field.setdefault(target_field(target), []).append(target)
    if not by_field:
        return out
    # One query for the comments of every kind of target, one for the likes.
    names = list(by_field)
    wanted = Q()
    for name, group in by_field.items():
        wanted |= Q(**{f"{name}_id__in": [t.pk for t in group]})

    def target_of(row) -> UUID | None:
        for name in names:
            target_id = getattr(row, f"{name}_id") if not isinstance(row, dict) else row[name]
            if target_id in out:
                return target_id
        return None

    comments = (
        []
        if said_empty(flags, "has_comments")
        else _live_comments().filter(wanted, organization_id=viewer.organization_id)
    )
    for comment in comments:
        comment.can_delete = viewer.is_active and (
            comment.author_id == viewer.pk or viewer.is_admin
        )
        out[target_of(comment)].comments.append(comment)
    if said_empty(flags, "has_likes"):
        return out
    counts = (
        Like.objects.filter(wanted)
        .values(*names)
        .annotate(n=Count("id"), mine=Count("id", filter=Q(person=viewer)))
        .order_by()
    )
    for row in counts:
        discussion = out[target_of(row)]
        discussion.like_count = row["n"]
        discussion.liked = row["mine"] > 0
    return out


def discussion_for(viewer: Person, target: Target) -> Discussion:
    return discussions_for(viewer, [target])[target.pk]


# Notifications ----------------------------------------------------------------------------


def notification_sight(person: Person) -> Q:
    """Notifications about what the person may (still) see: an objective made private after
    they were told is no longer shown to them."""
    sight = sight_of(person)
    if sight.everything:
        return Q()
    return (
        sight.optional("objective", personal=True)
        & sight.optional("key_result__objective", personal=True)
        & (Q(comment__isnull=True) | comment_sight(sight, "comment__"))
    )


def notifications_of(person: Person) -> QuerySet[Notification]:
    """A person's notifications shown in the app, newest first, about what still exists (a
    deleted comment's go with it) and they may see."""
    return (
        Notification.objects.filter(
            person=person,
            organization_id=person.organization_id,
            in_app=True,
            comment__deleted_at__isnull=True,
        )
        .filter(notification_sight(person))
        .select_related(
            "actor",
            "comment",
            "comment__item",
            "comment__item__update",
            "comment__item__update__person",
            "comment__objective",
            "comment__key_result",
        )
        .order_by("-created_at")
    )


def notice_choices_of(person: Person) -> dict[tuple[str, str], bool]:
    """The person's stored notification choices, (kind, channel) → on (defaults elsewhere)."""
    return {
        (p.kind, p.channel): p.enabled for p in NotificationPreference.objects.filter(person=person)
    }


def daily_digest_of(person: Person) -> DailyDigest | None:
    return DailyDigest.objects.filter(person=person).first()


def notification_get(person: Person, notification_id) -> Notification:
    notification = notifications_of(person).filter(pk=uuid_or_404(notification_id)).first()
    if notification is None:
        raise Http404("No such notification.")
    return notification


def unread_of(person: Person) -> QuerySet[Notification]:
    return notifications_of(person).filter(read_at__isnull=True)


def unread_count(person: Person) -> int:
    return unread_of(person).count()


# The feed ---------------------------------------------------------------------------------

CHECK_IN, COMMENT, OBJECTIVE, PLAN_DONE = "check_in", "comment", "objective", "plan_done"
KINDS = (CHECK_IN, COMMENT, OBJECTIVE, PLAN_DONE)


@dataclass
class Event:
    """One thing that happened. ``subject`` is the CheckIn, ItemMove, Comment or Objective."""

    kind: str
    at: datetime
    id: UUID
    actor: Person | None
    subject: object

    @property
    def key(self) -> tuple:
        return (self.at, self.kind, self.id)

    @property
    def cursor(self) -> str:
        return format_cursor(self.at, self.kind, self.id)


@dataclass
class FeedPage:
    events: list[Event]
    next_before: str | None  # the cursor of the next (older) page; None on the last page


def format_cursor(at: datetime, kind: str, id: UUID) -> str:
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}~{kind}~{id}"


def parse_cursor(text: str | None) -> tuple[datetime, str | None, UUID | None] | None:
    """``before`` as the API and the page take it: a cursor from a previous page, or a date-time
    in ISO 8601 (without a zone: UTC). Events strictly older are listed."""
    if not text:
        return None
    parts = text.strip().split("~")
    error = ValidationError({"before": "Give a date-time such as 2026-11-20T17:00:00Z."})
    try:
        at = datetime.fromisoformat(parts[0].replace(" ", "+"))
    except ValueError as exc:
        raise error from exc
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    if not FIRST_YEAR <= at.year <= LAST_YEAR:
        raise error
    if len(parts) == 1:
        return at, None, None
    if len(parts) != 3 or parts[1] not in KINDS:
        raise error
    try:
        return at, parts[1], UUID(parts[2])
    except ValueError as exc:
        raise error from exc


def _older(kind: str, time_field: str, before) -> Q:
    """Events of ``kind`` that come after the cursor, newest first by (time, kind, id)."""
    if before is None:
        return Q()
    at, cursor_kind, cursor_id = before
    if cursor_kind is None or kind > cursor_kind:
        return Q(**{f"{time_field}__lt": at})
    if kind < cursor_kind:
        return Q(**{f"{time_field}__lte": at})
    return Q(**{f"{time_field}__lt": at}) | Q(**{time_field: at, "pk__lt": cursor_id})


def _unit_scope(organization: Organization, unit: Unit) -> tuple[list[UUID], QuerySet]:
    """The unit and every unit below it, and the people who belong to any of them."""
    tree = UnitTree.load(organization)
    unit_ids = [unit.pk, *(u.pk for u in tree.descendants(unit.pk))]
    people = Membership.objects.filter(unit_id__in=unit_ids).values("person_id")
    return unit_ids, people


def feed(
    organization: Organization,
    *,
    viewer: Viewer,
    unit: Unit | None = None,
    person: Person | None = None,
    before: str | None = None,
    limit: int = FEED_PAGE,
) -> FeedPage:
    """A page of the organization's feed, newest first: of one unit (and the units below it)
    and/or one person, older than ``before`` (see ``parse_cursor``)."""
    limit = max(1, min(limit, MAX_FEED_PAGE))
    cursor = parse_cursor(before)
    unit_ids = members = None
    if unit is not None:
        if unit.organization_id != organization.pk:
            raise Http404("Not found.")
        unit_ids, members = _unit_scope(organization, unit)
    if person is not None and person.organization_id != organization.pk:
        raise Http404("Not found.")

    sight = sight_of(viewer)
    check_ins = CheckIn.objects.filter(
        _older(CHECK_IN, "at", cursor),
        sight.objectives("key_result__objective__"),
        organization=organization,
    )
    if unit_ids is not None:
        check_ins = check_ins.filter(key_result__objective__unit_id__in=unit_ids)
    if person is not None:
        check_ins = check_ins.filter(author=person)
    check_ins = check_ins.select_related(
        "author", "key_result", "key_result__objective", "key_result__objective__unit"
    ).order_by("-at", "-pk")[:limit]

    moves = ItemMove.objects.filter(
        _older(PLAN_DONE, "created_at", cursor),
        item__organization=organization,
        item__deleted_at__isnull=True,
        to_category__slug=PROGRESS,
        to_category__unit__isnull=True,
    ).filter(
        sight.optional("item__objective", personal=True)
        & sight.optional("item__key_result__objective", personal=True)
    )
    if members is not None:
        moves = moves.filter(item__update__person_id__in=members)
    if person is not None:
        moves = moves.filter(item__update__person=person)
    moves = moves.select_related(
        "actor",
        "from_category",
        "to_category",
        "item",
        "item__update",
        "item__update__person",
        "item__objective",
        "item__key_result",
    ).order_by("-created_at", "-pk")[:limit]

    comments = Comment.objects.filter(
        _older(COMMENT, "created_at", cursor), organization=organization, deleted_at__isnull=True
    ).filter(comment_sight(sight))
    if unit_ids is not None:
        comments = comments.filter(
            Q(objective__unit_id__in=unit_ids)
            | Q(key_result__objective__unit_id__in=unit_ids)
            | Q(item__update__person_id__in=members)
        )
    if person is not None:
        comments = comments.filter(author=person)
    comments = comments.select_related(
        "author",
        "item",
        "item__update",
        "item__update__person",
        "objective",
        "key_result",
    ).order_by("-created_at", "-pk")[:limit]

    objectives = Objective.objects.filter(
        _older(OBJECTIVE, "created_at", cursor), sight.objectives(), organization=organization
    )
    if unit_ids is not None:
        objectives = objectives.filter(unit_id__in=unit_ids)
    if person is not None:
        objectives = objectives.filter(created_by=person)
    objectives = objectives.select_related("created_by", "unit", "cycle").order_by(
        "-created_at", "-pk"
    )[:limit]

    sources = [
        [Event(CHECK_IN, c.at, c.pk, c.author, c) for c in check_ins],
        [Event(PLAN_DONE, m.created_at, m.pk, m.actor, m) for m in moves],
        [Event(COMMENT, c.created_at, c.pk, c.author, c) for c in comments],
        [Event(OBJECTIVE, o.created_at, o.pk, o.created_by, o) for o in objectives],
    ]
    events = sorted((e for source in sources for e in source), key=lambda e: e.key, reverse=True)
    # More to come when the merge left something out, or a source filled its whole page.
    more = len(events) > limit or any(len(source) == limit for source in sources)
    page = events[:limit]
    return FeedPage(events=page, next_before=page[-1].cursor if more and page else None)
