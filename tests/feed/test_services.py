"""Comments, mentions, likes and notifications through the services."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from cadence.feed import selectors, services
from cadence.feed.models import Comment, Like, Mention, Notification
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.orgs import services as org_services
from cadence.weekly import services as weekly_services
from tests import factories as f


class RefusingBackend:
    """A mail server that refuses everything."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.parametrize("kind", ["objective", "key_result", "item"])
def test_comment_on_each_kind_of_target(kind, targets, member):
    target = targets[kind]
    comment = services.comment_create(actor=member, target=target, text="  Nice work  ")
    assert comment.text == "Nice work"
    assert comment.target == target
    assert [c.pk for c in selectors.comments_of(target)] == [comment.pk]
    # The other targets have no comments.
    for other, t in targets.items():
        if other != kind:
            assert not selectors.comments_of(t).exists()


@pytest.mark.parametrize(
    "text, message",
    [("", "Write a comment first."), ("   \n", "Write a comment first."), ("x" * 5001, "5000")],
)
def test_bad_text_saves_nothing(objective, member, text, message):
    with pytest.raises(ValidationError, match=message):
        services.comment_create(actor=member, target=objective, text=text)
    assert not Comment.objects.exists()


def test_exactly_5000_characters_is_fine(objective, member):
    assert (
        len(services.comment_create(actor=member, target=objective, text="x" * 5000).text) == 5000
    )


def test_viewers_read_but_do_not_write(objective, viewer, member):
    with pytest.raises(PermissionDenied):
        services.comment_create(actor=viewer, target=objective, text="Hello")
    with pytest.raises(PermissionDenied):
        services.like_toggle(actor=viewer, target=objective)
    assert not Comment.objects.exists() and not Like.objects.exists()


def test_another_organizations_target_is_not_found(targets, outsider):
    for target in targets.values():
        with pytest.raises(Http404):
            services.comment_create(actor=outsider, target=target, text="Hello")
        with pytest.raises(Http404):
            services.like_toggle(actor=outsider, target=target)
    assert not Comment.objects.exists() and not Like.objects.exists()


def test_a_deleted_item_cannot_be_discussed(item, member):
    weekly_services.item_delete(actor=member, item=item)
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="deleted"):
        services.comment_create(actor=member, target=item, text="Hello")


def test_the_database_refuses_a_comment_with_two_targets(org, member, objective, kr):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(
            organization=org, author=member, text="x", objective=objective, key_result=kr
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(organization=org, author=member, text="x")


def test_mentions_notify_in_the_app_and_by_email(
    objective, member, lena, admin, outsider, django_capture_on_commit_callbacks
):
    outsider_email_name = outsider.email.split("@")[0]
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(
            actor=member,
            target=objective,
            text=f"@lena.okafor and @{admin.email} please look. Not @{outsider_email_name}, "
            f"not @{member.email.split('@')[0]} (myself), not @nobody.",
        )
    mentioned = set(Mention.objects.filter(comment=comment).values_list("person_id", flat=True))
    assert mentioned == {lena.pk, admin.pk}
    notifications = Notification.objects.filter(comment=comment)
    assert {n.person_id for n in notifications} == {lena.pk, admin.pk}
    # The comment only queued the emails; the worker's turn sends them.
    assert mail.outbox == [] and all(n.emailed_at is None for n in notifications.all())
    assert mail_services.deliveries_send_queued().sent == {"mention": 2}
    assert all(n.read_at is None and n.emailed_at is not None for n in notifications.all())
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lena.email, admin.email])
    message = next(m for m in mail.outbox if m.to == [lena.email])
    assert "Mia Member mentioned you" in message.subject
    assert "Customers love the product" in message.subject
    assert "please look" in message.body
    html = message.alternatives[0][0]
    assert "please look" in html and f"#discussion-{objective.pk}" in html
    assert selectors.unread_count(lena) == 1 and selectors.unread_count(member) == 0


def test_no_email_when_the_comment_rolls_back(
    objective, member, lena, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.comment_create(actor=member, target=objective, text="@lena.okafor hi")
        raise RuntimeError("boom")
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.exists() and not Delivery.objects.exists()
    assert mail_services.deliveries_send_queued().total_sent == 0 and mail.outbox == []


def test_a_refused_email_keeps_the_in_app_notification(
    objective, member, lena, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.feed.test_services.RefusingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(actor=member, target=objective, text="@lena.okafor hi")
    assert mail_services.deliveries_send_queued().failed == 1
    notification = Notification.objects.get(person=lena)
    assert notification.emailed_at is None
    assert selectors.unread_count(lena) == 1
    # Sending again later (mail server back, the failed claim's lease over) sends it once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail_services.deliveries_send_queued().total_sent == 0  # still leased
    assert mail_services.deliveries_send_queued(lease=timedelta(0)).total_sent == 1
    assert mail_services.deliveries_send_queued(lease=timedelta(0)).total_sent == 0
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_mark_read_only_touches_ones_own(objective, member, lena, admin):
    services.comment_create(actor=member, target=objective, text="@lena.okafor one")
    services.comment_create(actor=member, target=objective, text=f"@{admin.email} two")
    services.comment_create(actor=admin, target=objective, text="@lena.okafor three")
    assert services.notifications_mark_read(actor=lena) == 2
    # The admin owns the objective: told of the first comment on it, and of the mention.
    assert selectors.unread_count(lena) == 0 and selectors.unread_count(admin) == 2
    first = selectors.notifications_of(admin).get(kind="mention")
    assert services.notifications_mark_read(actor=lena, notification_ids=[first.pk]) == 0
    assert services.notifications_mark_read(actor=admin, notification_ids=[first.pk]) == 1


def test_delete_by_author_or_admin_only(objective, member, lena, admin):
    comment = services.comment_create(actor=member, target=objective, text="@lena.okafor hi")
    with pytest.raises(PermissionDenied):
        services.comment_delete(actor=lena, comment=comment)
    services.comment_delete(actor=member, comment=comment)
    assert not selectors.comments_of(objective).exists()
    # Its notification goes with it.
    assert selectors.unread_count(lena) == 0
    other = services.comment_create(actor=lena, target=objective, text="Another")
    services.comment_delete(actor=admin, comment=other)
    assert not selectors.comments_of(objective).exists()
    with pytest.raises(Http404):
        selectors.comment_get(objective.organization, other.pk, viewer=f.ALL)


def test_another_organizations_admin_cannot_delete(objective, member, outsider):
    comment = services.comment_create(actor=member, target=objective, text="Mine")
    with pytest.raises(Http404):
        services.comment_delete(actor=outsider, comment=comment)
    assert selectors.comments_of(objective).count() == 1


@pytest.mark.parametrize("kind", ["objective", "key_result", "item"])
def test_like_toggles(kind, targets, member, lena):
    target = targets[kind]
    assert services.like_toggle(actor=member, target=target) == (True, 1)
    assert services.like_toggle(actor=lena, target=target) == (True, 2)
    assert services.like_toggle(actor=member, target=target) == (False, 1)
    assert services.like_toggle(actor=member, target=target) == (True, 2)
    discussion = selectors.discussion_for(member, target)
    assert (discussion.like_count, discussion.liked) == (2, True)
    lena_view = selectors.discussion_for(lena, target)
    assert lena_view.liked
    services.like_toggle(actor=lena, target=target)
    assert selectors.discussion_for(member, target).like_count == 1
    assert not selectors.discussion_for(lena, target).liked


def test_the_database_refuses_a_second_like(org, member, objective):
    services.like_toggle(actor=member, target=objective)
    with pytest.raises(IntegrityError), transaction.atomic():
        Like.objects.create(organization=org, person=member, objective=objective)


def test_discussions_in_bulk(objective, kr, item, member, admin, django_assert_max_num_queries):
    services.comment_create(actor=member, target=kr, text="On the KR")
    services.comment_create(actor=admin, target=item, text="On the item")
    services.like_toggle(actor=admin, target=kr)
    with django_assert_max_num_queries(6):
        found = selectors.discussions_for(member, [objective, kr, item])
    assert [c.text for c in found[kr.pk].comments] == ["On the KR"]
    assert found[kr.pk].like_count == 1 and not found[kr.pk].liked
    assert found[item.pk].comments[0].can_delete is False
    assert found[objective.pk].comments == []
    assert selectors.discussions_for(admin, [item])[item.pk].comments[0].can_delete is True


def test_people_of_another_organization_are_never_mentioned(objective, member, outsider):
    other_org = outsider.organization
    twin = org_services.person_create(
        organization=other_org, email="twin@elsewhere.test", name="Twin"
    )
    f.make_person(objective.organization, name="Local")
    comment = services.comment_create(actor=member, target=objective, text=f"@twin @{twin.email}")
    assert not comment.mentions.exists()
