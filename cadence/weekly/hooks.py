"""What weekly asks of the apps above it (``cadence.core.hooks``).

- ``item_discussions(viewer, items)``: each weekly item's comments and likes, ``{item id:
  discussion}``, read in bulk for the weekly page (answered by feed, which owns discussions).
"""

from cadence.core.hooks import Hook

item_discussions = Hook("weekly.item_discussions")
