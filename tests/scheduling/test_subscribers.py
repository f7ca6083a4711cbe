"""External subscribers: who may be added, what the worker sends them and when, exactly once,
and unsubscribing by the link (GET confirms, POST unsubscribes; RFC 8058 one-click POST)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cadence.audit.models import Event
from cadence.mail import services as mail_services
from cadence.mail.models import Delivery
from cadence.okrs import services as okr_services
from cadence.orgs.models import Person
from cadence.orgs.selectors import company_unit
from cadence.scheduling import services, subscriber_selectors, subscriber_services
from cadence.scheduling.models import ExternalSubscriber
from tests import factories as f
from tests.scheduling.conftest import berlin, make_team, sent_to, write_update

pytestmark = pytest.mark.django_db

TEAM = ExternalSubscriber.What.TEAM_DIGEST
SUMMARY = ExternalSubscriber.What.COMPANY_SUMMARY
INVESTOR = "ines@investor.example"
DIGEST_AT = berlin(27, 17, 1)  # just after 2026-W48's deadline
# 1 December 2026 is a Tuesday: the first working day of the month.
SUMMARY_AT = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def subscriber_mail(to: str = INVESTOR) -> list:
    return [
        m
        for m in mail.outbox
        if m.extra_headers.get("X-Cadence-Kind") == "subscriber" and to in m.to
    ]


def parts(message) -> tuple[str, str]:
    (html, mime) = message.alternatives[0]
    assert mime == "text/html"
    return message.body, html


@pytest.fixture
def investor(admin, berlin_team):
    return subscriber_services.subscriber_add(
        actor=admin,
        email=" Ines@Investor.example ",
        name="Ines Investor",
        what=TEAM,
        unit=berlin_team,
    )


@pytest.fixture
def berlin_org(org):
    org.time_zone = "Europe/Berlin"
    org.save(update_fields=["time_zone"])
    return org


@pytest.fixture
def summary_reader(admin, berlin_org):
    admin.organization.refresh_from_db()
    return subscriber_services.subscriber_add(
        actor=admin, email=INVESTOR, name="Ines Investor", what=SUMMARY
    )


@pytest.fixture
def company_okrs(admin, berlin_org):
    cycle = f.make_cycle(admin, name="Q4 2026")
    company = company_unit(berlin_org)
    grow = f.make_objective(
        admin, cycle, company, title="Grow revenue in the DACH market", state="approved"
    )
    kr = f.make_kr(admin, grow, title="Reach 100 paying customers", start=0, target=100)
    okr_services.check_in_create(actor=admin, key_result=kr, value=40, confidence="on_track")
    f.make_objective(admin, cycle, company, title="A draft nobody agreed on")
    return grow


# Adding and removing ----------------------------------------------------------------------


def test_an_admin_adds_a_subscriber_with_the_address_normalized_and_audited(admin, investor):
    assert investor.email == INVESTOR and investor.name == "Ines Investor"
    assert investor.created_by == admin and investor.unsubscribed_at is None
    assert len(investor.token) >= 40
    event = Event.objects.get(kind="subscriber.added")
    assert event.actor == admin and event.target_id == str(investor.pk)
    assert event.changes["email"] == [None, INVESTOR]


def test_only_admins_add_or_remove(org, member, viewer, investor):
    for person in (member, viewer):
        with pytest.raises(PermissionDenied):
            subscriber_services.subscriber_add(actor=person, email="a@b.example", what=SUMMARY)
        with pytest.raises(PermissionDenied):
            subscriber_services.subscriber_remove(actor=person, subscriber=investor)
    assert ExternalSubscriber.objects.count() == 1


def test_one_subscription_per_address_and_update(admin, investor, berlin_team):
    with pytest.raises(ValidationError) as error:
        subscriber_services.subscriber_add(
            actor=admin, email="INES@investor.example", what=TEAM, unit=berlin_team
        )
    assert "already gets the weekly digest of Growth" in str(error.value)
    # The same address may get another team's digest and the company summary.
    other = make_team(admin.organization, "Sales", "Europe/Berlin")
    subscriber_services.subscriber_add(actor=admin, email=INVESTOR, what=TEAM, unit=other)
    subscriber_services.subscriber_add(actor=admin, email=INVESTOR, what=SUMMARY)
    assert ExternalSubscriber.objects.filter(email=INVESTOR).count() == 3


def test_a_person_of_the_organization_is_sent_to_their_own_settings(admin, alice, berlin_team):
    with pytest.raises(ValidationError) as error:
        subscriber_services.subscriber_add(
            actor=admin, email=alice.email.upper(), what=TEAM, unit=berlin_team
        )
    assert "their own email settings" in str(error.value)
    assert not ExternalSubscriber.objects.exists()


def test_a_former_person_of_the_organization_can_be_subscribed(admin, alice, berlin_team):
    Person.objects.filter(pk=alice.pk).update(is_active=False)
    subscriber = subscriber_services.subscriber_add(
        actor=admin, email=alice.email, what=TEAM, unit=berlin_team
    )
    assert subscriber.email == alice.email.lower()


@pytest.mark.parametrize(
    ("email", "what", "field"),
    [
        ("", SUMMARY, "email"),
        ("not an address", SUMMARY, "email"),
        ("x" * 250 + "@a.example", SUMMARY, "email"),
        ("ok@example.test", "everything", "what"),
        ("ok@example.test", TEAM, "what"),  # a team digest without a team
    ],
)
def test_bad_input_is_refused_and_saves_nothing(admin, email, what, field):
    with pytest.raises(ValidationError) as error:
        subscriber_services.subscriber_add(actor=admin, email=email, what=what)
    assert field in error.value.message_dict
    assert not ExternalSubscriber.objects.exists() and not Event.objects.exists()


def test_another_organizations_team_or_a_department_is_refused(admin, outsider):
    foreign = f.make_unit(outsider.organization, "Their team")
    department = f.make_unit(admin.organization, "Engineering", kind="department")
    for unit in (foreign, department):
        with pytest.raises(ValidationError):
            subscriber_services.subscriber_add(actor=admin, email=INVESTOR, what=TEAM, unit=unit)
    assert not ExternalSubscriber.objects.exists()


def test_the_number_of_subscribers_is_bounded(admin, monkeypatch):
    monkeypatch.setattr(subscriber_services, "MAX_SUBSCRIBERS", 2)
    subscriber_services.subscriber_add(actor=admin, email="a@x.example", what=SUMMARY)
    subscriber_services.subscriber_add(actor=admin, email="b@x.example", what=SUMMARY)
    with pytest.raises(ValidationError) as error:
        subscriber_services.subscriber_add(actor=admin, email="c@x.example", what=SUMMARY)
    assert "at most 2" in str(error.value)


def test_removing_is_audited_and_another_organizations_admin_may_not(admin, outsider, investor):
    with pytest.raises(PermissionDenied):
        subscriber_services.subscriber_remove(actor=outsider, subscriber=investor)
    subscriber_services.subscriber_remove(actor=admin, subscriber=investor)
    assert not ExternalSubscriber.objects.exists()
    event = Event.objects.get(kind="subscriber.removed")
    assert event.actor == admin and event.changes["email"] == [INVESTOR, None]


def test_an_unsubscribed_address_is_not_added_again_until_removed(admin, investor, berlin_team):
    subscriber_services.subscriber_unsubscribe(subscriber=investor)
    with pytest.raises(ValidationError) as error:
        subscriber_services.subscriber_add(actor=admin, email=INVESTOR, what=TEAM, unit=berlin_team)
    assert "unsubscribed from the weekly digest of Growth" in str(error.value)
    subscriber_services.subscriber_remove(actor=admin, subscriber=investor)
    subscriber_services.subscriber_add(actor=admin, email=INVESTOR, what=TEAM, unit=berlin_team)


# The team digest ----------------------------------------------------------------------------


def test_the_team_digest_goes_to_its_subscribers_with_the_teams_own(alice, board, investor):
    write_update(alice, text="Ship the onboarding email")
    summary = services.tick(DIGEST_AT)
    assert sent_to("digest") == sorted([alice.email, board.email])
    (message,) = subscriber_mail()
    assert summary.queued.sent["subscriber"] == 1
    assert "1 subscriber email" in str(summary)
    text, html = parts(message)
    assert message.subject == f"Growth at {alice.organization.name} — weekly report 2026-W48"
    assert "Hello Ines Investor" in text and "Ship the onboarding email" in text
    assert "Ship the onboarding email" in html and alice.name in html
    # Read-only: it stands alone, with no link that needs a sign-in.
    assert "/teams/" not in text and "/settings/notifications/" not in text
    link = reverse("subscriber_unsubscribe", args=[investor.token])
    assert link in text and link in html
    assert message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_no_team_digest_when_nobody_wrote_or_before_the_deadline(alice, investor):
    services.tick(DIGEST_AT)  # nobody wrote an update in 2026-W48
    write_update(alice)
    services.tick(berlin(27, 16, 59))  # before the deadline: 2026-W47's, which had nothing
    assert subscriber_mail() == []


def test_a_subscriber_added_after_the_deadline_starts_with_the_next_week(alice, admin, berlin_team):
    write_update(alice)
    with time_machine.travel(berlin(27, 18, 0), tick=False):
        subscriber_services.subscriber_add(actor=admin, email=INVESTOR, what=TEAM, unit=berlin_team)
    services.tick(berlin(27, 19, 0))
    assert subscriber_mail() == []


def test_each_digest_once_however_many_turns_and_workers(alice, investor):
    write_update(alice)
    # Two workers look at the same moment: both find it due, both queue it, one row is kept.
    assert subscriber_selectors.due_team_digests(DIGEST_AT)
    first = subscriber_services.subscribers_queue_due(now=DIGEST_AT)
    second = subscriber_services.subscribers_queue_due(now=DIGEST_AT)
    assert (first, second) == (1, 0)
    mail_services.deliveries_send_queued()
    mail_services.deliveries_send_queued()
    services.tick(DIGEST_AT)
    services.tick(berlin(28, 9, 0))
    assert len(subscriber_mail()) == 1
    assert Delivery.objects.get(kind="subscriber").key.startswith(f"subscriber:{investor.pk}:")
    # The next week's digest is another email.
    write_update(alice, week=date(2026, 11, 30))
    services.tick(berlin(4, 17, 1, month=12))
    assert len(subscriber_mail()) == 2


# The monthly company summary ----------------------------------------------------------------


def test_first_working_day_of_a_month():
    assert subscriber_selectors.first_working_day(date(2026, 8, 20)) == date(2026, 8, 3)  # Sat 1
    assert subscriber_selectors.first_working_day(date(2026, 11, 2)) == date(2026, 11, 2)  # Sun 1
    assert subscriber_selectors.first_working_day(date(2026, 12, 31)) == date(2026, 12, 1)


def test_the_monthly_summary_tells_the_company_objectives_in_words(summary_reader, company_okrs):
    services.tick(datetime(2026, 12, 1, 8, 59, tzinfo=ZoneInfo("Europe/Berlin")))
    assert subscriber_mail() == []
    services.tick(SUMMARY_AT)
    (message,) = subscriber_mail()
    text, html = parts(message)
    assert "OKR summary for December 2026" in message.subject
    assert "Q4 2026" in text and "Grow revenue in the DACH market" in text
    assert "Reach 100 paying customers: 40%" in text
    assert "up 40 points since 1 November" in text
    assert "In November 2026: 1 check-in on the company's key results." in text
    assert "A draft nobody agreed on" not in text
    assert "Grow revenue in the DACH market" in html
    link = reverse("subscriber_unsubscribe", args=[summary_reader.token])
    assert link in text and message.extra_headers["List-Unsubscribe"].endswith(f"{link}>")


def test_the_monthly_summary_goes_once_a_month(summary_reader, company_okrs):
    services.tick(SUMMARY_AT)
    services.tick(SUMMARY_AT)
    services.tick(datetime(2026, 12, 20, 12, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    assert len(subscriber_mail()) == 1
    # January 2027 opens on a Friday: the next summary.
    services.tick(datetime(2027, 1, 1, 9, 30, tzinfo=ZoneInfo("Europe/Berlin")))
    assert len(subscriber_mail()) == 2


def test_the_summary_reads_the_organizations_time_zone(summary_reader, company_okrs):
    # 08:30 UTC is 09:30 in Berlin: due there, not yet in a UTC organization.
    services.tick(datetime(2026, 12, 1, 8, 30, tzinfo=ZoneInfo("UTC")))
    assert len(subscriber_mail()) == 1


def test_a_summary_without_a_cycle_says_so(summary_reader):
    services.tick(SUMMARY_AT)
    (message,) = subscriber_mail()
    assert "There is no OKR cycle yet." in message.body


# Unsubscribing ------------------------------------------------------------------------------


def test_get_asks_to_confirm_and_post_unsubscribes(client, alice, investor):
    url = reverse("subscriber_unsubscribe", args=[investor.token])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Stop sending the weekly digest of Growth" in body and INVESTOR in body
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "no-referrer"
    investor.refresh_from_db()
    assert investor.unsubscribed_at is None  # a scanner that opens links unsubscribes nobody

    done = client.post(url)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    investor.refresh_from_db()
    assert investor.unsubscribed_at is not None
    event = Event.objects.get(kind="subscriber.unsubscribed")
    assert event.actor is None and INVESTOR in event.actor_label
    # Again: still unsubscribed, nothing new recorded.
    assert client.post(url).status_code == 200
    assert Event.objects.filter(kind="subscriber.unsubscribed").count() == 1

    write_update(alice)
    services.tick(DIGEST_AT)
    assert subscriber_mail() == [] and sent_to("digest") == [alice.email]


def test_one_click_unsubscribe_needs_no_csrf_token(investor, alice):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("subscriber_unsubscribe", args=[investor.token]),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    investor.refresh_from_db()
    assert investor.unsubscribed_at is not None


def test_unsubscribing_stops_what_was_queued_and_not_sent(alice, investor, settings):
    write_update(alice)
    subscriber_services.subscribers_queue_due(now=DIGEST_AT)
    subscriber_services.subscriber_unsubscribe(subscriber=investor)
    mail_services.deliveries_send_queued()
    assert subscriber_mail() == []
    assert "unsubscribed" in Delivery.objects.get(kind="subscriber").last_error


@pytest.mark.parametrize(
    "token", ["not-a-token", "x" * 43, "short", "a" * 300, "%00%00", "a%20b" * 12]
)
def test_a_bad_or_tampered_link_gets_a_clear_page(client, investor, token):
    for method in (client.get, client.post):
        response = method(f"/unsubscribe/{token}/")
        assert response.status_code == 404
        assert "This unsubscribe link is not valid" in response.content.decode()
    tampered = investor.token[:-1] + ("A" if investor.token[-1] != "A" else "B")
    assert client.post(reverse("subscriber_unsubscribe", args=[tampered])).status_code == 404
    investor.refresh_from_db()
    assert investor.unsubscribed_at is None


def test_a_removed_subscribers_link_gets_the_clear_page(client, admin, investor):
    url = reverse("subscriber_unsubscribe", args=[investor.token])
    subscriber_services.subscriber_remove(actor=admin, subscriber=investor)
    assert client.get(url).status_code == 404
