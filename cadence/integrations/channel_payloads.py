"""Pure rules of the Slack and Teams channels: the messages a channel can receive, a message's
parts in plain values (``Message``), and how each becomes Slack Block Kit JSON or a Teams
Adaptive Card in the envelope Teams incoming webhooks and Workflows accept. No database, no
Django: the services hand in names, numbers and absolute links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

# What a channel can receive, and how the settings page names it.
MESSAGES: dict[str, str] = {
    "digest": "The weekly digest, when the team's week closes",
    "reminders": "The reminder summary when reminders go out (“4 of 7 have updated”)",
    "alerts": "Key results that turned off track or stalled",
    "approvals": "Objectives waiting for approval (a summary each working morning at most)",
}
# "Send a test": every channel receives it, whatever it chose.
TEST = "test"

# Lines a section lists at most; the rest are counted ("and 12 more").
MAX_LINES = 15
# Slack's bounds: a header's text, a section's text, a button's text, blocks in a message.
SLACK_HEADER = 150
SLACK_SECTION = 3000
SLACK_BUTTON = 75
SLACK_BLOCKS = 50
ADAPTIVE_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ADAPTIVE_VERSION = "1.4"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"


@dataclass(frozen=True)
class Link:
    text: str
    url: str  # absolute


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...] = ()
    more: int = 0  # lines left out


@dataclass(frozen=True)
class Message:
    """What a post says, whatever the channel: a title, a sentence, sections of lines, a line of
    small print and the links back to Cadence (buttons)."""

    title: str
    summary: str
    sections: tuple[Section, ...] = ()
    context: str = ""
    links: tuple[Link, ...] = field(default_factory=tuple)


def _cut(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, never empty (Slack refuses an empty text)."""
    text = " ".join((text or "").split()) or "—"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(title: str, lines: Sequence[str], limit: int = MAX_LINES) -> Section:
    lines = [line for line in lines if line]
    return Section(title=title, lines=tuple(lines[:limit]), more=max(0, len(lines) - limit))


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def names(people: Sequence[str], limit: int = 10) -> str:
    """ "Ada, Grace and Linus"; beyond ``limit`` names, "… and 4 others"."""
    people = list(people)
    if not people:
        return ""
    shown, rest = people[:limit], len(people) - limit
    if rest > 0:
        return f"{', '.join(shown)} and {plural(rest, 'other')}"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


# The messages --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonLine:
    name: str
    submitted: bool
    planned: int = 0
    done: int = 0
    problems: tuple[str, ...] = ()


def digest(
    *, unit: str, week: str, people: Sequence[PersonLine], report_url: str, site: str
) -> Message:
    """A team's week once its deadline passed: who wrote, plans done, problems raised."""
    wrote = [p for p in people if p.submitted]
    missing = [p.name for p in people if not p.submitted]
    planned = sum(p.planned for p in people)
    done = sum(p.done for p in people)
    summary = f"{len(wrote)} of {plural(len(people), 'person', 'people')} wrote their update."
    if planned:
        summary += f" {done} of {plural(planned, 'plan')} done."
    sections = []
    problems = [f"{p.name}: {text}" for p in people for text in p.problems]
    if problems:
        sections.append(section("Problems", problems))
    if missing:
        sections.append(section("No update", [names(missing)]))
    return Message(
        title=f"{unit} — week {week}",
        summary=summary,
        sections=tuple(sections),
        context=f"Weekly digest from {site}",
        links=(Link("Open the team report", report_url),),
    )


def reminders(
    *, unit: str, week: str, updated: int, expected: int, missing: Sequence[str],
    deadline: str, update_url: str, site: str,
) -> Message:  # fmt: skip
    """When the team's reminders go out: how many have updated, and who has not."""
    sections = (section("Not yet", [names(missing, limit=25)]),) if missing else ()
    return Message(
        title=f"{unit}: weekly updates for {week}",
        summary=f"{updated} of {expected} have updated. The deadline is {deadline}.",
        sections=sections,
        context=f"Reminder summary from {site}",
        links=(Link("Write your update", update_url),),
    )


@dataclass(frozen=True)
class KeyResultLine:
    title: str
    objective: str
    progress: str  # "35%"
    url: str
    off_track: bool
    stalled: bool


def alerts(*, unit: str, key_results: Sequence[KeyResultLine], site: str) -> Message:
    """Key results of the unit that turned off track or stalled since the channel last heard."""
    off = [k for k in key_results if k.off_track]
    stalled = [k for k in key_results if k.stalled and not k.off_track]
    both = [k for k in key_results if k.stalled and k.off_track]

    def line(k: KeyResultLine) -> str:
        return f"{k.title} ({k.progress}) — {k.objective}"

    sections = []
    if off:
        sections.append(section("Off track", [line(k) for k in off if k not in both]))
    if both:
        sections.append(section("Off track and stalled", [line(k) for k in both]))
    if stalled:
        sections.append(section("Stalled (no change in two weeks)", [line(k) for k in stalled]))
    sections = [s for s in sections if s.lines]
    first = key_results[0] if key_results else None
    links = (Link("Open the key result", first.url),) if len(key_results) == 1 and first else ()
    return Message(
        title=f"{unit}: {plural(len(key_results), 'key result')} need attention",
        summary="These key results turned off track or stalled.",
        sections=tuple(sections),
        context=f"From {site}",
        links=links,
    )


def approvals(
    *, unit: str, waiting_here: Sequence[str], own: Sequence[str], approvals_url: str, site: str
) -> Message:
    """Proposals waiting on the unit's leads, and the unit's own proposals waiting above it."""
    sections = []
    if waiting_here:
        sections.append(section(f"Waiting for {unit}'s approval", waiting_here))
    if own:
        sections.append(section(f"{unit}'s proposals waiting for approval", own))
    total = len(waiting_here) + len(own)
    return Message(
        title=f"{unit}: {plural(total, 'objective')} waiting for approval",
        summary="Proposed objectives are not part of the plan until someone approves them.",
        sections=tuple(sections),
        context=f"Daily approvals summary from {site}",
        links=(Link("Open the approvals", approvals_url),),
    )


def notice(*, person: str, text: str, url: str, site: str) -> Message:
    """One person's notification, in their team's channel because they asked for it there."""
    return Message(
        title=_cut(text, SLACK_HEADER),
        summary=f"For {person}.",
        context=f"A notification from {site}; {person} chose to get this kind here.",
        links=(Link("Open it", url),),
    )


def connected(*, unit: str, label: str, chosen: Sequence[str], unit_url: str, site: str) -> Message:
    wanted = [MESSAGES[m].split(",")[0].split(" (")[0] for m in chosen if m in MESSAGES]
    return Message(
        title=f"{site} is connected",
        summary=f"This channel{f' ({label})' if label else ''} receives messages for {unit}.",
        sections=(section("It will receive", wanted),) if wanted else (),
        context="A test message sent from the channel's settings.",
        links=(Link(f"Open {unit}", unit_url),),
    )


# Slack Block Kit -----------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Text inside mrkdwn: &, < and > are Slack's control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_lines(s: Section) -> str:
    lines = [f"• {slack_escape(line)}" for line in s.lines]
    if s.more:
        lines.append(f"… and {s.more} more")
    return f"*{slack_escape(s.title)}*\n" + "\n".join(lines)


def slack(message: Message) -> dict[str, Any]:
    """A Slack incoming webhook's body: ``text`` (notifications, and clients without blocks)
    and ``blocks`` (header, sections, a context line, link buttons)."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _cut(message.title, SLACK_HEADER)},
        },
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": _cut(slack_escape(message.summary), SLACK_SECTION)},
        },
    ]
    for s in message.sections:
        text = _slack_lines(s)
        if len(text) > SLACK_SECTION:
            text = text[: SLACK_SECTION - 1] + "…"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    if message.links:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": _cut(link.text, SLACK_BUTTON)},
                        "url": link.url,
                    }
                    for link in message.links
                ],
            }
        )
    if message.context:
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": slack_escape(_cut(message.context, 300))}],
            }
        )
    return {
        "text": _cut(f"{message.title}: {message.summary}", 300),
        "blocks": blocks[:SLACK_BLOCKS],
    }


# Microsoft Teams Adaptive Card --------------------------------------------------------------


def teams(message: Message) -> dict[str, Any]:
    """A Teams incoming webhook's (or Workflows webhook's) body: a ``message`` whose one
    attachment is an Adaptive Card 1.4 with text blocks and ``Action.OpenUrl`` links."""
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": message.title,
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
        },
        {"type": "TextBlock", "text": message.summary, "wrap": True},
    ]
    for s in message.sections:
        lines = [f"- {line}" for line in s.lines]
        if s.more:
            lines.append(f"- … and {s.more} more")
        body.append(
            {
                "type": "TextBlock",
                "text": s.title,
                "weight": "Bolder",
                "wrap": True,
                "spacing": "Medium",
            }
        )
        body.append({"type": "TextBlock", "text": "\n".join(lines), "wrap": True})
    if message.context:
        body.append(
            {
                "type": "TextBlock",
                "text": message.context,
                "isSubtle": True,
                "size": "Small",
                "wrap": True,
            }
        )
    card: dict[str, Any] = {
        "$schema": ADAPTIVE_SCHEMA,
        "type": "AdaptiveCard",
        "version": ADAPTIVE_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if message.links:
        card["actions"] = [
            {"type": "Action.OpenUrl", "title": link.text, "url": link.url}
            for link in message.links
        ]
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }


def render(kind: str, message: Message) -> dict[str, Any]:
    """The body for a channel of ``kind`` ("slack" or "teams")."""
    return slack(message) if kind == "slack" else teams(message)


def unknown_messages(chosen: Sequence[str]) -> list[str]:
    return [m for m in chosen if m not in MESSAGES]
