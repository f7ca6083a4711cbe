"""The pure Slack and Teams payloads: each message in both shapes, checked by the receiver's
own rules (written from Slack's and Microsoft's documentation), with hostile and long text."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.integrations import channel_payloads as p
from tests.integrations.channel_receiver import _slack_problems, _teams_problems

SITE = "https://okrs.example.com"


def _messages():
    people = [
        p.PersonLine("Ada", True, planned=3, done=2, problems=("The build is red",)),
        p.PersonLine("Grace", True, planned=1, done=1),
        p.PersonLine("Linus", False),
    ]
    kr = p.KeyResultLine(
        title="Reach 100 customers",
        objective="Grow",
        progress="12%",
        url=f"{SITE}/objectives/1/",
        off_track=True,
        stalled=False,
    )
    return {
        "digest": p.digest(
            unit="Platform", week="2026-W48", people=people,
            report_url=f"{SITE}/teams/1/weekly/?week=2026-W48", site="Cadence",
        ),
        "reminders": p.reminders(
            unit="Platform", week="2026-W48", updated=4, expected=7,
            missing=["Ada", "Grace", "Linus"], deadline="Friday 17:00",
            update_url=f"{SITE}/weekly/", site="Cadence",
        ),
        "alerts": p.alerts(unit="Platform", key_results=[kr], site="Cadence"),
        "approvals": p.approvals(
            unit="Platform", waiting_here=["Ship it (Web)"], own=["Grow"],
            approvals_url=f"{SITE}/approvals/", site="Cadence",
        ),
        "test": p.connected(
            unit="Platform", label="#platform", chosen=list(p.MESSAGES),
            unit_url=f"{SITE}/units/1/", site="Cadence",
        ),
    }  # fmt: skip


@pytest.mark.parametrize("name", ["digest", "reminders", "alerts", "approvals", "test"])
def test_every_message_has_both_shapes(name):
    message = _messages()[name]
    assert _slack_problems(p.slack(message), SITE) == []
    assert _teams_problems(p.teams(message), SITE) == []
    assert p.render("slack", message) == p.slack(message)
    assert p.render("teams", message) == p.teams(message)


def test_the_reminder_summary_counts_and_names():
    slack = p.slack(_messages()["reminders"])
    texts = str(slack)
    assert "4 of 7 have updated" in texts
    assert "Ada, Grace and Linus" in texts
    assert slack["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Platform: weekly updates for 2026-W48"},
    }
    (actions,) = [b for b in slack["blocks"] if b["type"] == "actions"]
    assert actions["elements"][0]["url"] == f"{SITE}/weekly/"


def test_the_teams_card_is_in_the_message_envelope():
    teams = p.teams(_messages()["digest"])
    assert teams["type"] == "message"
    (attachment,) = teams["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open the team report",
            "url": f"{SITE}/teams/1/weekly/?week=2026-W48",
        }
    ]
    assert "2 of 3 people wrote their update. 3 of 4 plans done." in str(card)
    assert "Ada: The build is red" in str(card)


def test_slack_control_characters_are_escaped():
    message = p.reminders(
        unit="R&D", week="W", updated=0, expected=1, missing=["<!channel> Eve"],
        deadline="x", update_url=f"{SITE}/weekly/", site="Cadence",
    )  # fmt: skip
    text = str(p.slack(message)["blocks"])
    assert "<!channel>" not in text and "&lt;!channel&gt; Eve" in text


def test_long_lists_are_cut_and_counted():
    s = p.section("Off track", [f"line {i}" for i in range(40)])
    assert len(s.lines) == p.MAX_LINES and s.more == 40 - p.MAX_LINES
    assert p.names([f"P{i}" for i in range(14)], limit=10).endswith("and 4 others")


@given(
    title=st.text(max_size=400),
    lines=st.lists(st.text(max_size=500), max_size=60),
)
def test_any_text_stays_within_slacks_bounds(title, lines):
    message = p.Message(
        title=title or "x",
        summary=title or "x",
        sections=(p.section(title or "x", lines),),
        context=title,
        links=(p.Link(title or "x", f"{SITE}/a"),),
    )
    assert _slack_problems(p.slack(message), SITE) == []
    assert _teams_problems(p.teams(message), SITE) == []
    for block in p.slack(message)["blocks"]:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
