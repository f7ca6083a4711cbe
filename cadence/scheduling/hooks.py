"""What the scheduling app announces to the apps above it (see cadence/core/hooks.py)."""

from cadence.core.hooks import Hook, Listeners

# One turn of the worker (``scheduling.services.tick``), after the emails: apps above scheduling
# do their own due work here (webhook and channel deliveries, data-source syncs, the mailbox).
# Called as ``worker_turn(now=…)``; each listener returns a one-line summary of what it did, or
# "" when it did nothing. Outside any request; each listener claims its own rows.
worker_turn = Listeners("scheduling.worker_turn")

# The address a person's reminder and digest ask replies to go to (``Reply-To``), so that the
# reply writes their weekly update: ``reply_address(person=…)`` → the signed address, or "" when
# no reply mailbox is configured. Answered by mailin.
reply_address = Hook("scheduling.reply_address")
