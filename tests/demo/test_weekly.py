"""The demo's weekly history: weeks of updates for every team member, linked to the teams' key
results, carried over by the product's own rollover, with problems, lessons, comments, likes
and one @mention."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from cadence.demo import content
from cadence.feed import selectors as feed_selectors
from cadence.feed.models import Comment, Like, Mention, Notification
from cadence.orgs.models import Person, Unit
from cadence.weekly import selectors as weekly_selectors
from cadence.weekly.models import Item, ItemMove, WeeklyUpdate
from cadence.weekly.weeks import format_week, monday_of
from tests import factories as f
from tests.demo.conftest import TODAY


def test_weeks_of_updates_with_carry_overs_problems_and_discussion(demo):
    current = monday_of(TODAY)  # a Monday: the week people write in is this one
    first = current - timedelta(weeks=content.WEEKS_OF_UPDATES)
    team_people = Person.objects.filter(
        memberships__unit__organization=demo, memberships__unit__kind=Unit.Kind.TEAM
    ).distinct()
    teams = [u for u in content.UNITS if u.kind == "team"]
    assert team_people.count() == sum(len(u.leads) + len(u.members) for u in teams)
    weeks = set(WeeklyUpdate.objects.filter(organization=demo).values_list("week", flat=True))
    assert min(weeks) == first and max(weeks) == current
    assert 8 <= len(weeks - {current}) <= 12
    for person in team_people:
        written = WeeklyUpdate.objects.filter(person=person, submitted_at__isnull=False)
        assert written.count() >= content.WEEKS_OF_UPDATES - 3, person.name

    items = Item.objects.filter(organization=demo, deleted_at__isnull=True)
    finished = items.filter(update__week__lt=current)
    plans_made = finished.filter(carried_over_from__isnull=True).exclude(category__slug="progress")
    to_progress = ItemMove.objects.filter(item__organization=demo, to_category__slug="progress")
    to_problems = ItemMove.objects.filter(item__organization=demo, to_category__slug="problems")
    assert to_progress.count() > to_problems.count() >= 10
    assert to_progress.count() >= plans_made.count() // 2
    assert finished.filter(category__slug="problems").exists()
    # Carried over by the rollover: each copy continues an item of the week before.
    carried = items.filter(carried_over_from__isnull=False).select_related(
        "update", "carried_over_from__update"
    )
    assert carried.count() >= 20
    for item in carried:
        assert item.carried_over_from.update.week == item.update.week - timedelta(weeks=1)
        assert item.text == item.carried_over_from.text
    assert carried.filter(update__week=current).exists()
    # Carried plans are often finished the week after.
    assert to_progress.filter(item__carried_over_from__isnull=False).exists()
    # Plans serve the teams' key results of their cycle.
    linked = finished.filter(key_result__isnull=False).select_related("key_result__objective")
    assert linked.count() >= finished.count() // 3
    for item in linked:
        assert item.objective_id == item.key_result.objective_id
    assert items.filter(category__slug="lessons-learned").count() >= 3
    # Timestamps follow the weeks, never the load.
    for item in finished.select_related("update")[:200]:
        assert item.created_at.date() < item.update.week + timedelta(days=7)
    late = [m for m in to_progress.select_related("item__update") if m.item.update.week < current]
    late = [
        m for m in late if m.created_at > weekly_selectors.team_deadline(None, m.item.update.week)
    ]
    assert len(late) == 1  # last week's late progress, below
    for move in to_progress.select_related("item__update").exclude(pk=late[0].pk)[:200]:
        week = move.item.update.week
        assert week <= move.created_at.date() <= week + timedelta(days=4)
        assert move.created_at <= timezone.now()

    # The team report of last week has something to say.
    product = Unit.objects.get(organization=demo, name="Product")
    report = weekly_selectors.team_report(demo, product, current - timedelta(weeks=1), viewer=f.ALL)
    assert report.completion_rate is not None and 0 < report.completion_rate < 1
    assert report.linked_share is not None and report.linked_share > 0

    # Comments, likes and the one @mention (Lena, who can log in, has it unread).
    comments = Comment.objects.filter(organization=demo)
    assert comments.filter(item__isnull=False).count() >= 3
    assert comments.filter(objective__isnull=False).exists()
    assert comments.filter(key_result__isnull=False).exists()
    assert Like.objects.filter(organization=demo).count() >= 8
    lena = Person.objects.get(email="lena.okafor@example.com")
    assert Mention.objects.filter(comment__organization=demo).count() == 1
    assert Mention.objects.get(comment__organization=demo).person == lena
    # Her unread notifications: the mention, and comments and likes on her own items.
    unread = Notification.objects.filter(person=lena, read_at__isnull=True)
    assert unread.filter(kind="mention").count() == 1
    assert feed_selectors.unread_count(lena) == unread.count() >= 1
    assert not unread.filter(emailed_at__isnull=False).exists()  # the demo mails nobody
    # The feed mixes every kind of event.
    page = feed_selectors.feed(demo, limit=100, viewer=f.ALL)
    # ("objective": next quarter's objectives, drafted a few days ago.)
    assert {e.kind for e in page.events} == {"check_in", "plan_done", "comment", "objective"}
    assert page.next_before is not None
    assert all(e.at <= timezone.now() for e in page.events)


def _assert_alive(org, client, current):
    """The week people write in now is part-filled in every team: some have written their
    update (not everyone), plans are done, a problem is open — on the team report and on the
    meeting page a newcomer opens (both default to that week)."""
    teams = Unit.objects.filter(organization=org, kind=Unit.Kind.TEAM).order_by("name")
    admin = Person.objects.get(organization=org, email=content.ADMIN_EMAIL)
    client.force_login(admin)
    assert len(teams) == len([u for u in content.UNITS if u.kind == "team"])
    for team in teams:
        report = weekly_selectors.team_report(org, team, current, viewer=f.ALL)
        people = len(report.people)
        updated = people - len(report.missing)
        assert 0 < updated < people, (team.name, updated, people)
        assert report.done >= 1 and report.planned > report.done, team.name
        problems = [i for i in report.items if i.category.slug == "problems"]
        assert problems, team.name
        assert all(i.created_at <= timezone.now() for i in report.items)
        html = client.get(reverse("team_report", args=[team.pk])).content.decode()
        assert f"{team.name}: {format_week(current)}" in html
        assert "Everyone" not in html and "Not updated yet" in html
        meeting = client.get(reverse("team_meeting", args=[team.pk])).content.decode()
        assert format_week(current) in meeting
        for pw in report.people:
            if pw.submitted:
                assert pw.person.name in meeting
                break
    # Each person's weekly page says the same week is "this week".
    for pw in report.people:
        assert weekly_selectors.current_week(pw.person) == current
    html = client.get(reverse("weekly_update", args=[pw.person.pk, format_week(current)]))
    assert "<strong>this week</strong>" in html.content.decode()


def test_the_current_week_is_alive_on_a_monday(demo, client):
    current = monday_of(TODAY)
    _assert_alive(demo, client, current)
    # Last week closed on Friday: one piece of late progress, marked late, and the carried plan
    # it finished taken out of this week (not done twice).
    late = Item.objects.get(organization=demo, late=True)
    assert late.update.week == current - timedelta(weeks=1) and late.category.slug == "progress"
    assert late.text == content.LATE_PROGRESS
    settled = Item.objects.get(organization=demo, settled=True)
    assert settled.update.week == current and settled.deleted_at is not None
    original = settled.carried_over_from
    assert original.category.slug == "progress" and original.update.person == late.update.person
    person = late.update.person
    url = reverse("weekly_update", args=[person.pk, format_week(current - timedelta(weeks=1))])
    html = client.get(url).content.decode()
    assert "This week is closed" in html and ">late</span>" in html


# That the weekly history is the same every time and loads once is checked with the rest of the
# demo in tests/demo/test_loading.py::test_the_demo_is_the_same_every_time_for_the_same_day.
