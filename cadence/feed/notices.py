"""Pure: the catalogue of notifications — every kind of event that concerns a person, the
channels one can reach them on, and what each channel does for each kind until the person
chooses (docs/decisions.md, issue 16.5). No database, no Django models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MENTION = "mention"
COMMENT = "comment"
LIKE = "like"
APPROVAL_ASKED = "approval_asked"
APPROVAL_OUTCOME = "approval_outcome"
DEPENDENCY_ASKED = "dependency_asked"
OFF_TRACK = "off_track"
STALE = "stale"
REVIEW_DUE = "review_due"
KPI_LEFT_BAND = "kpi_left_band"
IDEAS_ROUND = "ideas_round"
IDEA_PROMOTED = "idea_promoted"

IN_APP = "in_app"
EMAIL = "email"
SLACK = "slack"
CHANNELS: dict[str, str] = {
    IN_APP: "In Cadence",
    EMAIL: "Email",
    SLACK: "Team's Slack channel",
}

# The local hour a daily digest goes out unless the person picks another.
DIGEST_HOUR = 8


@dataclass(frozen=True)
class NoticeKind:
    value: str
    label: str  # as the settings page names it
    email: bool  # email on until the person says otherwise
    short: str = ""  # as a notification names its kind

    @property
    def defaults(self) -> dict[str, bool]:
        return {IN_APP: True, EMAIL: self.email, SLACK: False}


# Email is on by default where Cadence emailed before notifications had preferences (mentions,
# approvals' outcomes, KPIs leaving their band) and for what waits on the person (approvals to
# give, dependencies asked of their team); the rest is in the app only.
KINDS: tuple[NoticeKind, ...] = (
    NoticeKind(MENTION, "Someone mentions me in a comment", True, "Mention"),
    NoticeKind(
        COMMENT, "Someone comments on my objectives, key results or weekly items", False, "Comment"
    ),
    NoticeKind(LIKE, "Someone likes my objectives, key results or weekly items", False, "Like"),
    NoticeKind(APPROVAL_ASKED, "An objective waits for my approval", True, "Approval to give"),
    NoticeKind(APPROVAL_OUTCOME, "My objective is approved or returned", True, "Approval"),
    NoticeKind(DEPENDENCY_ASKED, "Another team asks my team for something", True, "Dependency"),
    NoticeKind(OFF_TRACK, "My key result turns off track", False, "Off track"),
    NoticeKind(
        STALE, "My key result has had no check-in for two weeks", False, "No recent check-in"
    ),
    NoticeKind(REVIEW_DUE, "A review or retrospective of my team is due", False, "Review due"),
    NoticeKind(
        KPI_LEFT_BAND, "A KPI of a unit I lead leaves its healthy band", True, "KPI out of its band"
    ),
    NoticeKind(IDEAS_ROUND, "An ideas round I can take part in opens", False, "Ideas round"),
    NoticeKind(IDEA_PROMOTED, "My idea becomes a draft objective", False, "Idea promoted"),
)
BY_VALUE = {k.value: k for k in KINDS}


def default(kind: str, channel: str) -> bool:
    """What a channel does for a kind when the person never chose."""
    return BY_VALUE[kind].defaults[channel]


def wanted(choices: Mapping[tuple[str, str], bool], kind: str, channel: str) -> bool:
    """Whether ``channel`` carries ``kind`` for a person with these stored ``choices``
    ((kind, channel) → on)."""
    return choices.get((kind, channel), default(kind, channel))


def grid(choices: Mapping[tuple[str, str], bool]) -> dict[tuple[str, str], bool]:
    """Every kind × channel, the person's choice or the default."""
    return {(k.value, c): wanted(choices, k.value, c) for k in KINDS for c in CHANNELS}


def field_name(kind: str, channel: str) -> str:
    """The settings form's field for a kind on a channel."""
    return f"notice_{kind}__{channel}"
