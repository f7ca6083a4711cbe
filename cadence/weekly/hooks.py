"""What weekly asks of the apps above it (``cadence.core.hooks``).

- ``item_discussions(viewer, items)``: each weekly item's comments and likes, ``{item id:
  discussion}``, read in bulk for the weekly page (answered by feed, which owns discussions).
- ``update_submitted(actor=, update=)``: a weekly update counts as submitted for the first time
  (its person wrote in it themself), told inside the transaction of that write (listeners: the
  outgoing webhooks of integrations).
"""

from cadence.core.hooks import Hook, Listeners

item_discussions = Hook("weekly.item_discussions")
update_submitted = Listeners("weekly.update_submitted")
