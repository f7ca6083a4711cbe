"""What the feed announces to the apps above it (see cadence/core/hooks.py)."""

from cadence.core.hooks import Listeners

# A notification that its person wants in their team's channel: ``notification_to_channel(
# notification=…)``, called in the transaction that created it. Integrations queues the post to
# the person's team's Slack channel, when one is connected and on (once per notification).
notification_to_channel = Listeners("feed.notification_to_channel")
