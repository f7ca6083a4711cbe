"""The catalogue of audit events: every kind a service records, its group and how the audit
page names it. A kind is ``<group>.<what happened>``; the page and the API filter by a whole
group (``objective``) or one kind (``objective.deleted``).

Add a kind here when a service starts recording it (``tests/audit`` fails for a recorded kind
that is missing). A kind missing here is still shown, under its dotted name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A kind or a group, as the filters accept them.
KIND_PATTERN = r"^[a-z][a-z_]{0,30}(?:\.[a-z][a-z_]{0,30})?$"
_KIND = re.compile(KIND_PATTERN)


@dataclass(frozen=True)
class Group:
    slug: str
    label: str


GROUPS = (
    Group("objective", "Objectives"),
    Group("key_result", "Key results"),
    Group("cycle", "Cycles"),
    Group("kpi", "KPIs"),
    Group("ideas_round", "Ideas rounds"),
    Group("idea", "Ideas"),
    Group("okrs", "OKR imports"),
    Group("organization", "Organization settings"),
    Group("weekly_category", "Weekly categories"),
    Group("weekly_update", "Weekly updates"),
    Group("person", "People and roles"),
    Group("membership", "Memberships"),
    Group("unit", "Departments and teams"),
    Group("invitation", "Invitations"),
    Group("subscriber", "External subscribers"),
    Group("token", "API tokens"),
    Group("calendar_feed", "Calendar feeds"),
    Group("webhook", "Webhooks"),
    Group("channel", "Slack and Teams channels"),
    Group("slack", "Slack accounts"),
    Group("data_source", "Data sources"),
    Group("one_on_one", "1:1s"),
    Group("signin", "Sign-ins"),
    Group("account", "Passwords, email and two-factor"),
)
GROUP_LABELS = {g.slug: g.label for g in GROUPS}

KINDS: dict[str, str] = {
    # Objectives and key results (okrs.services, alignment.services, reviews.services).
    "objective.created": "Objective created",
    "objective.updated": "Objective changed",
    "objective.realigned": "Objective's alignment changed",
    "objective.state_changed": "Objective's state changed",
    "objective.deleted": "Objective deleted",
    "key_result.created": "Key result created",
    "key_result.updated": "Key result changed",
    "key_result.target_changed": "Key result's target changed",
    "key_result.deleted": "Key result deleted",
    # KPIs (kpis.services).
    "kpi.created": "KPI created",
    "kpi.updated": "KPI changed",
    "kpi.archived": "KPI archived",
    "kpi.restored": "KPI restored",
    "kpi.recovery_linked": "Recovery objective drafted for a KPI",
    # Ideas rounds and their ideas (ideas.services).
    "ideas_round.opened": "Ideas round opened",
    "idea.added": "Idea added",
    "idea.voted": "Idea upvoted",
    "idea.unvoted": "Upvote of an idea withdrawn",
    "idea.commented": "Comment on an idea",
    "idea.promoted": "Idea promoted to a draft objective",
    "idea.declined": "Idea declined",
    # A spreadsheet of OKRs imported (transfer.services), with what it created and changed.
    "okrs.imported": "OKRs imported from a spreadsheet",
    # Cycles (okrs.services, scoring.services).
    "cycle.created": "Cycle created",
    "cycle.updated": "Cycle changed",
    "cycle.deleted": "Cycle deleted",
    "cycle.closed": "Cycle closed",
    # The organization's settings.
    "organization.updated": "Organization changed",
    "organization.grading_scheme_changed": "Grading scheme changed",
    "organization.sign_in_policy_changed": "Sign-in policy changed",
    "organization.coach_check_changed": "Coach check changed",
    "organization.integration_switched": "Integration switched on or off",
    "organization.rollout_changed": "Rollout mode or pilot units changed",
    "organization.rollout_step_ticked": "Rollout step ticked by hand",
    "organization.rollout_step_unticked": "Rollout step unticked",
    "weekly_category.created": "Weekly category created",
    "weekly_category.updated": "Weekly category changed",
    "weekly_category.archived": "Weekly category archived",
    "weekly_category.restored": "Weekly category restored",
    # A lead asked a member for this week's update (weekly.services.nudges).
    "weekly_update.nudged": "Asked for a weekly update",
    # The organization's first run (onboarding.services).
    "organization.created": "Organization created",
    # The whole-organization archive (transfer.archive): downloaded or exported, and imported.
    "organization.exported": "Organization's data exported",
    "organization.imported": "Organization imported from an archive",
    # People and invitations (orgs and accounts services).
    "person.invited": "Person invited",
    "person.role_changed": "Role changed",
    "person.deactivated": "Person deactivated",
    "person.reactivated": "Person reactivated",
    "person.updated": "Profile changed",
    "person.notifications_changed": "Notification preferences changed",
    "person.erased": "Person erased",
    "invitation.resent": "Invitation sent again",
    "invitation.revoked": "Invitation revoked",
    "invitation.accepted": "Invitation accepted",
    "unit.created": "Unit created",
    "unit.updated": "Unit changed",
    "unit.archived": "Unit archived",
    "unit.restored": "Unit restored",
    "unit.deleted": "Unit deleted",
    "unit.meeting_slot_changed": "Weekly meeting time changed",
    "membership.added": "Added to a unit",
    "membership.changed": "Role in a unit changed",
    "membership.removed": "Removed from a unit",
    # API tokens (orgs.services).
    "token.created": "API token created",
    "token.revoked": "API token revoked",
    # Calendar feeds (calendars.services).
    "calendar_feed.created": "Calendar feed made",
    "calendar_feed.revoked": "Calendar feed revoked",
    # Outgoing webhooks (integrations.services).
    "webhook.created": "Webhook added",
    "webhook.updated": "Webhook changed",
    "webhook.deleted": "Webhook deleted",
    # Slack and Teams channels, and Slack users linked to people (integrations).
    "channel.created": "Channel connected",
    "channel.updated": "Channel changed",
    "channel.deleted": "Channel removed",
    "slack.linked": "Slack account linked",
    "slack.unlinked": "Slack account unlinked",
    # Key results' data sources (integrations.sources).
    "data_source.set": "Data source set",
    "data_source.deleted": "Data source removed",
    "data_source.sync_hour": "Data sources' sync time changed",
    # Sign-ins (accounts.audit: Django's, allauth's and django-axes's signals).
    "signin.succeeded": "Signed in",
    "signin.failed": "Sign-in failed",
    "signin.locked_out": "Sign-in locked after failures",
    "signin.unlocked": "Locked sign-in unlocked",
    "signin.signed_out": "Signed out",
    # A person's own account.
    "account.password_changed": "Password changed",
    "account.password_set": "Password set",
    "account.password_reset": "Password reset",
    "account.email_changed": "Email address changed",
    "account.two_factor_enabled": "Two-factor authentication turned on",
    "account.two_factor_disabled": "Two-factor authentication turned off",
    "account.recovery_codes_regenerated": "Recovery codes regenerated",
    # External subscribers (scheduling.subscriber_services).
    "subscriber.added": "External subscriber added",
    "subscriber.removed": "External subscriber removed",
    "subscriber.unsubscribed": "External subscriber unsubscribed",
    # 1:1s (oneonones.services): that something changed, never what was written (only the
    # two people of a 1:1 read its content; private notes only their writer).
    "one_on_one.created": "1:1 set up",
    "one_on_one.schedule_changed": "1:1 schedule changed",
    "one_on_one.meeting_added": "1:1 meeting added",
    "one_on_one.talking_point_added": "1:1 talking point added",
    "one_on_one.note_added": "1:1 note added",
    "one_on_one.note_changed": "1:1 note changed",
    "one_on_one.action_item_added": "1:1 action item added",
    "one_on_one.action_item_done": "1:1 action item done",
    "one_on_one.action_item_reopened": "1:1 action item reopened",
    "one_on_one.feedback_added": "1:1 feedback added",
}

# How the page names the fields of before → after.
FIELD_LABELS = {
    "why": "Why it matters",
    "standalone_reason": "Why it stands alone",
    "abandon_reason": "Reason abandoned",
    "parent": "Aligned to",
    "unit": "Unit",
    "require_two_factor": "Two-factor required",
    "carries_over": "Carries over",
    "check_id": "Check",
}


def group_of(kind: str) -> str:
    return kind.split(".", 1)[0]


def label_of(kind: str) -> str:
    """How the page names a kind: its catalogue label, or the dotted name itself."""
    return KINDS.get(kind, kind)


def group_label(slug: str) -> str:
    return GROUP_LABELS.get(slug, slug.replace("_", " ").capitalize())


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def is_filter(value: str) -> bool:
    """Whether ``value`` is well formed as a kind or group filter (it may match nothing)."""
    return bool(_KIND.match(value or ""))
