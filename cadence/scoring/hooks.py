"""What scoring announces to the apps above it (see cadence/core/hooks.py)."""

from cadence.core.hooks import Listeners

# A cycle was closed (``scoring.services.cycle_close``): ``cycle_closed(actor=, cycle=,
# objectives_closed=)``, told inside the transaction that closed it (listeners: the outgoing
# webhooks of integrations). Its objectives' moves to closed are told by this alone, not one by
# one as objective state changes.
cycle_closed = Listeners("scoring.cycle_closed")
