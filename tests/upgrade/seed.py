"""Fill a migrated database the way a real installation is filled: the demo organization plus
a few objects of every kind the demo lacks, written through the services of the code it runs
with.

tests/upgrade/test_upgrade.py runs this file with a previous release's code (that release's own
copy of it when it has one, since it is written against that release's services), in a
subprocess whose database is DATABASE_URL:

    python seed.py --at 2026-11-23T10:00:00+00:00 --token-file TOKEN

``--at`` is the moment the data is made at (the process's clock is moved there, ticking, and
the demo loads for that day), so the data does not depend on the day the test runs. The admin's
new API token is written to ``--token-file`` for the snapshots to read the API with. Keep this
command line as it is: later releases run this release's copy with it.

``add_extras`` is also run in-process on the suite's demo (tests/upgrade/test_seed.py), so a
service it calls that changes shape is noticed on the day it changes, not at the next release.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timedelta

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def add_extras(organization, *, at: datetime) -> str:
    """A few objects of every kind the demo does not make; returns a new API token's secret.

    Reads with the ORM, writes through the services, as an admin and the demo's people would."""
    from django.test import Client

    from cadence.alignment import services as alignment_services
    from cadence.alignment.models import Dependency
    from cadence.coach import selectors as coach_selectors
    from cadence.coach import services as coach_services
    from cadence.feed import services as feed_services
    from cadence.feed.models import Notification
    from cadence.meetings import services as meeting_services
    from cadence.okrs import selectors as okr_selectors
    from cadence.okrs import services as okr_services
    from cadence.okrs.models import Objective
    from cadence.orgs import services as org_services
    from cadence.orgs.models import Person, Unit
    from cadence.scheduling import services as scheduling_services
    from cadence.weekly import selectors as weekly_selectors
    from cadence.weekly import services as weekly_services
    from cadence.weekly.models import Item

    people = Person.objects.filter(organization=organization)
    admin = people.get(role=Person.Role.ADMIN)
    viewer = people.filter(role=Person.Role.VIEWER).order_by("email").first()
    teams = list(
        Unit.objects.filter(organization=organization, kind=Unit.Kind.TEAM).order_by("name")
    )
    team = teams[0]
    cycle = okr_selectors.cycle_current(organization, today=at.date())
    objectives = [
        o
        for o in Objective.objects.filter(cycle=cycle)
        .order_by("unit__name", "title")
        .prefetch_related("key_results")
        # The organization's shared objectives (a release with private and personal
        # objectives has both in its demo; an earlier one has neither field).
        if getattr(o, "visibility", "organization") == "organization"
        and getattr(o, "owner_person_id", None) is None
    ]

    # An API token (the snapshots read the API with it) and a logged-in session.
    _token, secret = org_services.api_token_create(person=admin, name="Upgrade check")
    Client().force_login(admin)

    # An abandoned objective: a team objective nothing is aligned to.
    parents = {o.parent_id for o in objectives}
    leaf = next(
        o
        for o in objectives
        if o.state == Objective.State.APPROVED
        and o.pk not in parents
        and o.unit is not None
        and o.unit.kind == "team"
    )
    okr_services.objective_set_state(
        actor=admin,
        objective=leaf,
        state=Objective.State.ABANDONED,
        reason="The partner integration was cancelled by the partner.",
    )

    # A warning dismissed with its reason (before the coach settings change below).
    dismissed = False
    try:  # every read names its reader since private objectives (issue 17)
        from cadence.okrs.visibility import Sight

        reader = {"viewer": Sight.whole(organization.id)}
    except ImportError:  # the release before them
        reader = {}
    for objective in objectives:
        if objective.pk == leaf.pk:
            continue
        annotated, board = okr_selectors.objective_with_progress(organization, objective, **reader)
        found = coach_selectors.findings_for_objective(organization, annotated, board)
        finding = next((f for f in found.open if f.can_dismiss), None)
        if finding is None:
            continue
        target = (
            {"key_result": finding.key_result}
            if finding.subject == "key_result"
            else {"objective": objective}
        )
        coach_services.finding_dismiss(
            actor=admin,
            check_id=finding.check_id,
            reason="We agreed on this wording in the planning meeting.",
            **target,
        )
        dismissed = True
        break
    if not dismissed:
        raise RuntimeError("The coach has no warning to dismiss in the demo's current cycle.")
    # A coach setting: one check switched off for the organization.
    coach_services.check_setting_update(actor=admin, check_id="kr-no-number", enabled=False)

    # Comments (one with an @mention, one deleted), a like, a notification read.
    key_result = next(kr for o in objectives for kr in o.key_results.all())
    mentioned = people.filter(role=Person.Role.MEMBER).order_by("email").first()
    feed_services.comment_create(
        actor=admin,
        target=key_result,
        text=f"@{mentioned.email.split('@')[0]} can you check the numbers before Friday?",
        notify_by_email=False,
    )
    gone = feed_services.comment_create(
        actor=admin, target=objectives[0], text="Posted on the wrong objective."
    )
    feed_services.comment_delete(actor=admin, comment=gone)
    feed_services.like_toggle(actor=admin, target=key_result)
    feed_services.notifications_mark_read(
        actor=mentioned,
        notification_ids=Notification.objects.filter(person=mentioned).values_list("pk", flat=True)[
            :1
        ],
    )

    # Weekly: a team's own category and an archived one, a deleted item.
    weekly_services.category_create(actor=admin, name="Customer calls", unit=team)
    retired = weekly_services.category_create(actor=admin, name="Hiring", carries_over=True)
    weekly_services.category_archive(actor=admin, category=retired)
    item = (
        Item.objects.filter(organization=organization, deleted_at__isnull=True)
        .select_related("update__person")
        .order_by("-update__week", "update__person__email", "position")
        .first()
    )
    weekly_services.item_delete(actor=item.update.person, item=item)

    # A meeting's notes, a digest followed, someone's own notification settings.
    meeting_services.meeting_note_save(
        actor=admin, unit=team, week=at.date(), text="Decided: ship the beta to ten customers."
    )
    scheduling_services.digest_subscribe(actor=viewer, unit=teams[-1])
    scheduling_services.notification_settings_update(
        person=mentioned, weekly_reminders=False, weekly_digests=True, time_zone="Europe/Berlin"
    )

    # A resolved dependency next to the demo's open ones.
    dependency = Dependency.objects.get(
        organization=organization, state=Dependency.State.ACKNOWLEDGED
    )
    alignment_services.dependency_set_state(actor=admin, dependency=dependency, state="done")

    # The reminders due half an hour before the team's deadline this week: deliveries, claimed
    # and sent (to the outbox of Django's test mail backend).
    deadline = weekly_selectors.team_deadline(team, at.date())
    scheduling_services.run_once(deadline - timedelta(minutes=30))
    return secret


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--at", required=True, help="ISO date-time the data is made at")
    parser.add_argument("--token-file", required=True)
    args = parser.parse_args(argv)
    at = datetime.fromisoformat(args.at)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    import django

    django.setup()
    import time_machine
    from django.test.utils import override_settings

    import cadence
    from cadence.demo.loader import load_demo

    print(f"seed: cadence from {os.path.dirname(cadence.__file__)}", file=sys.stderr)
    with (
        time_machine.travel(at, tick=True),
        override_settings(
            PASSWORD_HASHERS=FAST_HASHERS,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ),
    ):
        organization = load_demo(today=at.date())
        secret = add_extras(organization, at=at)
    with open(args.token_file, "w", encoding="utf-8") as out:
        out.write(secret)
    return 0


if __name__ == "__main__":
    sys.exit(main())
