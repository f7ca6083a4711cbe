"""The upgrade test's seed (tests/upgrade/seed.py) works with this checkout's services.

At the next release the seed becomes the previous release's own and runs with that release's
code: a service it calls that changed shape must be noticed now, on the suite's shared demo."""

from django.contrib.sessions.models import Session

from cadence.alignment.models import Dependency
from cadence.coach.models import CheckSetting, Dismissal
from cadence.demo import content
from cadence.feed.models import Comment, Notification
from cadence.mail.models import Delivery
from cadence.meetings.models import MeetingNote
from cadence.okrs.models import Objective
from cadence.orgs.services import api_token_authenticate
from cadence.scheduling.models import DigestSubscription
from cadence.weekly.models import Category, Item
from tests.clock import TEST_NOW
from tests.upgrade.seed import add_extras


def test_the_seed_adds_a_few_objects_of_every_kind_the_demo_lacks(demo):
    secret = add_extras(demo, at=TEST_NOW)

    assert api_token_authenticate(secret).email == content.ADMIN_EMAIL
    assert Session.objects.exists()
    assert Objective.objects.filter(organization=demo, state=Objective.State.ABANDONED).exists()
    assert Dismissal.objects.filter(organization=demo).count() == 1
    assert CheckSetting.objects.filter(organization=demo, enabled=False).count() == 1
    assert Comment.objects.filter(organization=demo, deleted_at__isnull=False).count() == 1
    assert Notification.objects.filter(organization=demo, read_at__isnull=False).exists()
    assert Category.objects.filter(organization=demo, unit__isnull=False).exists()
    assert Category.objects.filter(organization=demo, archived_at__isnull=False).exists()
    # One deleted by hand (the demo's own late progress settles a carried copy too).
    deleted = Item.objects.filter(organization=demo, deleted_at__isnull=False)
    assert deleted.filter(settled=False).count() == 1
    assert MeetingNote.objects.filter(organization=demo).count() == 1
    assert DigestSubscription.objects.filter(organization=demo).count() == 1
    assert Dependency.objects.filter(organization=demo, state=Dependency.State.DONE).exists()
    assert Delivery.objects.filter(organization=demo, sent_at__isnull=False).exists()
