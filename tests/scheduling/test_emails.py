"""The emails themselves: one façade, a plain-text and an HTML part, the right content."""

import pytest
from django.core import mail

from cadence.core import emails
from cadence.scheduling import services
from cadence.weekly import services as weekly_services
from tests.scheduling.conftest import berlin, sent_to, write_update

pytestmark = pytest.mark.django_db


def parts(message):
    (html, mime) = message.alternatives[0]
    assert mime == "text/html"
    return message.body, html


def test_the_facade_renders_the_trio_into_text_and_html(alice, berlin_team):
    message = emails.make_message(
        "reminder",
        to=alice.email,
        context={
            "person": alice,
            "unit": berlin_team,
            "week_label": "2026-W48",
            "deadline_text": "Friday 27 November, 17:00",
            "deadline_short": "Friday 17:00",
            "time_zone": "Europe/Berlin",
            "update_url": "https://cadence.example/weekly/",
            "settings_url": "https://cadence.example/settings/notifications/",
        },
    )
    text, html = parts(message)
    assert message.to == [alice.email]
    assert "\n" not in message.subject and "2026-W48" in message.subject
    assert "<" not in text and "https://cadence.example/weekly/" in text
    assert '<a href="https://cadence.example/weekly/"' in html


def test_a_reminder_has_a_text_and_an_html_part_in_the_persons_time_zone(alice, settings):
    settings.SITE_URL = "https://okr.example.com"
    services.notification_settings_update(
        person=alice, weekly_reminders=True, weekly_digests=True, time_zone="America/New_York"
    )
    services.run_once(berlin(27, 15, 30))
    (message,) = mail.outbox
    text, html = parts(message)
    assert message.to == [alice.email]
    assert message.subject.startswith("Reminder: your 2026-W48 update for Growth is due")
    # 17:00 in Berlin is 11:00 in New York, where Alice is.
    assert "Friday 27 November, 11:00 (America/New_York)" in text
    assert "Friday 27 November, 11:00" in html and "America/New_York" in html
    assert "https://okr.example.com/settings/notifications/" in text
    update_url = f"https://okr.example.com/weekly/{alice.id}/2026-W48/"
    assert update_url in text and f'href="{update_url}"' in html
    assert message.extra_headers["List-Unsubscribe"] == (
        "<https://okr.example.com/settings/notifications/>"
    )
    assert message.extra_headers["X-Cadence-Kind"] == "reminder"


def test_a_digest_carries_the_team_report_in_both_parts(alice, bob, board):
    write_update(alice, text="Interview five churned customers")
    services.run_once(berlin(27, 17, 5))
    assert sent_to("digest") == sorted([alice.email, bob.email, board.email])
    message = next(m for m in mail.outbox if m.to == [board.email])
    text, html = parts(message)
    assert "Growth" in message.subject and "2026-W48" in message.subject
    for body in (text, html):
        assert "Interview five churned customers" in body
        assert "Alice Adler" in body
        assert "Bob Berger" in body  # among who has not updated
    assert "&lt;" not in text
    assert "<li>" in html
    report_url = f"/teams/{alice.memberships.get().unit_id}/weekly/?week=2026-W48"
    assert report_url in text and report_url in html


def test_item_text_is_escaped_in_html_and_left_alone_in_text(alice):
    write_update(alice, text="Fix <script> & friends")
    services.run_once(berlin(27, 17, 5))
    (message,) = mail.outbox
    text, html = parts(message)
    assert "Fix <script> & friends" in text
    assert "Fix &lt;script&gt; &amp; friends" in html


def test_the_links_in_the_emails_open_for_their_recipients(client, alice, board, settings):
    settings.SITE_URL = "http://testserver"
    services.run_once(berlin(27, 16))  # Alice's reminder
    write_update(alice)
    services.run_once(berlin(27, 17, 5))  # digests to Alice and Bea
    for message in mail.outbox:
        recipient = alice if message.to == [alice.email] else board
        client.force_login(recipient)
        links = [w for w in message.body.split() if w.startswith("http://testserver/")]
        assert links
        for link in links:
            response = client.get(link.removeprefix("http://testserver"))
            assert response.status_code == 200, (link, response.status_code)


def test_a_digest_marks_the_done_plans_and_only_them(alice):
    done = write_update(alice, text="Ship the pricing page")
    write_update(alice, text="Call the bank")
    weekly_services.item_move(actor=alice, item=done, category="progress")
    services.run_once(berlin(27, 17, 5))
    (message,) = mail.outbox
    text, html = parts(message)
    assert "- Ship the pricing page [done]" in text and "Call the bank [done]" not in text
    assert text.count("[done]") == 1 and html.count("✓ done") == 1
    assert "Ship the pricing page <span" in html
