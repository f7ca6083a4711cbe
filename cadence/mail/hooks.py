"""What the mail app announces to the apps above it (see cadence/core/hooks.py)."""

from cadence.core.hooks import Listeners

# A queued email went out: ``delivery_sent(delivery=…)`` after the row was marked sent (the
# feed records it on the mention's notification). Called by the worker, outside any request.
delivery_sent = Listeners("mail.delivery_sent")
