"""What the scheduling app announces to the apps above it (see cadence/core/hooks.py)."""

from cadence.core.hooks import Listeners

# One turn of the worker (``scheduling.services.tick``), after the emails: apps above scheduling
# do their own due work here (webhook and channel deliveries, data-source syncs, the mailbox).
# Called as ``worker_turn(now=…)``; each listener returns a one-line summary of what it did, or
# "" when it did nothing. Outside any request; each listener claims its own rows.
worker_turn = Listeners("scheduling.worker_turn")
