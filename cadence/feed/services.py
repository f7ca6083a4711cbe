"""Every write of the discussion: comments (with their mentions and notifications), likes, and
marking notifications read.

Everyone in an organization reads every discussion in it; its members and admins write
(viewers read only, as everywhere in Cadence). A target of another organization is a 404; a
deleted weekly item cannot be discussed (ValidationError). Each service runs in one transaction:
bad input saves nothing. The email copy of a mention is queued in the same transaction (a
``cadence.mail`` delivery the worker sends), so a comment that rolls back never mails anyone and
a committed one is never without its email.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cadence.core import emails
from cadence.core.errors import Conflict
from cadence.feed import mentions, notices, notify
from cadence.feed.models import MAX_COMMENT_TEXT, Comment, Like, Mention, Notification
from cadence.feed.targets import Target, target_fields, target_title, target_url
from cadence.mail.models import Delivery
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.models import Person
from cadence.weekly.models import Item

MENTION_KEY = "mention:"


def _require_writer(actor: Person, target: Target) -> None:
    if not isinstance(target, Item | Objective | KeyResult):
        raise ValidationError({"target": "Comment on a weekly item, an objective or a key result."})
    if target.organization_id != actor.organization_id:
        raise Http404("Not found.")
    if not actor.is_active:
        raise PermissionDenied("You are not part of this organization.")
    if actor.is_viewer:
        raise PermissionDenied("Viewers read the discussion; they do not write in it.")
    if isinstance(target, Item) and target.deleted_at is not None:
        raise Conflict({"__all__": "This item was deleted; restore it first."})


def _clean_text(text: str) -> str:
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text:
        raise ValidationError({"text": "Write a comment first."})
    if len(text) > MAX_COMMENT_TEXT:
        raise ValidationError({"text": f"Keep it to {MAX_COMMENT_TEXT} characters or fewer."})
    if "\x00" in text:
        raise ValidationError({"text": "Text cannot contain NUL characters."})
    return text


def _mentioned(actor: Person, text: str) -> list[Person]:
    """Active people of the actor's organization named in the text (not the actor)."""
    tokens = mentions.mention_tokens(text)
    if not tokens:
        return []
    query = Q()
    for token in tokens:
        query |= Q(email__iexact=token) if "@" in token else Q(email__istartswith=f"{token}@")
    people = list(
        Person.objects.filter(query, organization_id=actor.organization_id, is_active=True)
    )
    return [p for p in mentions.resolve(tokens, people) if p.pk != actor.pk]


def owner_of(target: Target) -> Person | None:
    """Whose work the target is: a weekly item's writer, an objective's owner (else its
    author), a key result's owner (else its objective's owner)."""
    if isinstance(target, Item):
        return target.update.person
    if isinstance(target, Objective):
        return target.owner or target.created_by
    return target.owner or target.objective.owner


@transaction.atomic
def comment_create(
    *, actor: Person, target: Target, text: str, notify_by_email: bool = True
) -> Comment:
    """Comment on a weekly item, an objective or a key result. Everyone the text @mentions is
    told (a mention), and so is the target's owner (a comment on their work), each on the
    channels they chose; ``notify_by_email`` False (the demo's history) queues no email."""
    _require_writer(actor, target)
    text = _clean_text(text)
    comment = Comment.objects.create(
        organization_id=actor.organization_id, author=actor, text=text, **target_fields(target)
    )
    title, url = target_title(target), target_url(target)
    mentioned = _mentioned(actor, text)
    for person in mentioned:
        Mention.objects.create(comment=comment, person=person)
        notify.notify(
            person=person,
            kind=notices.MENTION,
            actor=actor,
            comment=comment,
            text=f"{actor.name} mentioned you on {title}",
            url=url,
            email=notify_by_email,
            email_kind=Delivery.Kind.MENTION,
            email_key_prefix=MENTION_KEY,
            email_template="mention",
            email_context={
                "comment": comment,
                "target_title": title,
                "target_url": emails.absolute_url(url),
            },
        )
    owner = owner_of(target)
    if owner is not None and owner.pk not in {p.pk for p in mentioned}:
        notify.notify(
            person=owner,
            kind=notices.COMMENT,
            actor=actor,
            comment=comment,
            text=f"{actor.name} commented on {title}",
            url=url,
            email=notify_by_email,
            email_context={"quote": comment.text},
        )
    return comment


def mention_emailed(*, delivery: Delivery) -> None:
    """The worker sent a mention's email (``cadence.mail.hooks.delivery_sent``): say so on the
    notification."""
    if delivery.kind != Delivery.Kind.MENTION or not delivery.key.startswith(MENTION_KEY):
        return
    Notification.objects.filter(
        pk=delivery.key.removeprefix(MENTION_KEY), emailed_at__isnull=True
    ).update(emailed_at=delivery.sent_at or timezone.now())


@transaction.atomic
def comment_delete(*, actor: Person, comment: Comment) -> Comment:
    """Remove a comment (its author or an admin). It disappears from the page, the feed and
    the notifications it sent."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.organization_id != actor.organization_id:
        raise Http404("Not found.")
    if not actor.is_active or (comment.author_id != actor.pk and not actor.is_admin):
        raise PermissionDenied("Only the comment's author or an admin may delete it.")
    if comment.deleted_at is None:
        comment.deleted_at = timezone.now()
        comment.save(update_fields=["deleted_at", "updated_at"])
    return comment


@transaction.atomic
def like_toggle(*, actor: Person, target: Target) -> tuple[bool, int]:
    """Like the target, or take the like back if the actor already likes it. Returns
    (liked now, how many people like it)."""
    _require_writer(actor, target)
    fields = target_fields(target)
    deleted, _ = Like.objects.filter(person=actor, **fields).delete()
    liked = not deleted
    if liked:
        try:
            with transaction.atomic():
                Like.objects.create(organization_id=actor.organization_id, person=actor, **fields)
        except IntegrityError:
            pass  # a double click raced us: the like exists, which is what was asked
        owner = owner_of(target)
        if owner is not None:
            # Once per person and target, however often they like it again.
            notify.notify(
                person=owner,
                kind=notices.LIKE,
                actor=actor,
                text=f"{actor.name} likes {target_title(target)}",
                url=target_url(target),
                key=f"like:{actor.pk}:{target.pk}",
                **_about(target),
            )
    return liked, Like.objects.filter(**fields).count()


def _about(target: Target) -> dict:
    """The notification's link to the target (a weekly item's is its URL only)."""
    if isinstance(target, Objective):
        return {"objective": target}
    if isinstance(target, KeyResult):
        return {"key_result": target}
    return {}


notifications_mark_read = notify.notifications_mark_read
