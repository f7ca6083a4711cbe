"""Every write to weekly updates: categories, items, moves, deletion and carry-over.

Each service takes keyword-only arguments, checks the actor may act (``PermissionDenied``),
validates everything before it writes (``ValidationError`` with a field → message dict) and runs
inside one transaction: bad input saves nothing.

Who writes what:
- a person's weekly update: the person themself, or an organization admin; viewers never;
- organization-wide categories: admins; a team's categories: admins and whoever may edit the team
  (its members, and leads of a unit above it — ``orgs.selectors.Access``).

Carry-over (docs/method.md §4.4): at a week's deadline every *open* item of that week —
not deleted, not written late, in a category that carries over (Plans, Problems, or a custom
category created with ``carries_over=True``) that is not archived, and not carried before — is
copied into the person's next week as a NEW item whose ``carried_over_from`` is the original.
The original stays in its week as history. ``carried_over_from`` is one-to-one, so an item is
carried at most once however often, however late and however concurrently the rollover runs; a
carried copy that is still open at the next deadline carries on in turn (a chain, one link per
week).

A week whose deadline has passed is *closed*: people write in the next week (see
``weeks.Rhythm.current_week``), while the closed week stays open for late progress.
- An item first written into a closed week is ``late`` and never carried over.
- Finishing, moving, deleting, restoring or editing an item after it was carried *settles* its
  carried copy (and that copy's own copy, down the chain): the copy becomes what carrying the
  item now would have made it — taken out of its week (``settled``, so not counted twice) when
  the item no longer carries, back when it carries again, moved to the item's new carrying
  category, with the item's text and link. A copy changed by hand since it was carried (moved,
  edited, relinked or deleted) is the person's own and is left alone.

Locks: a person's weekly updates are locked in week order, each before its items. The rollover
locks the week it carries, then the next week, and only then reads and copies the items; the
item services lock the item's week, then the item, then, while settling, the copy's week and the
copy. So a change to an item and the rollover of its week never interleave: whichever comes
second sees what the first did.
"""

from cadence.weekly.services.access import can_write_update
from cadence.weekly.services.categories import (
    MAX_CATEGORY_NAME,
    categories_create_defaults,
    category_archive,
    category_change,
    category_create,
    category_restore,
    category_update,
)
from cadence.weekly.services.items import (
    MAX_ITEM_TEXT,
    RESTORE_WINDOW,
    UNSET,
    item_create,
    item_delete,
    item_move,
    item_restore,
    item_update,
)
from cadence.weekly.services.nudges import weekly_nudge_send
from cadence.weekly.services.rollover import rollover_due, rollover_week

__all__ = [
    "MAX_CATEGORY_NAME",
    "MAX_ITEM_TEXT",
    "RESTORE_WINDOW",
    "UNSET",
    "can_write_update",
    "categories_create_defaults",
    "category_archive",
    "category_change",
    "category_create",
    "category_restore",
    "category_update",
    "item_create",
    "item_delete",
    "item_move",
    "item_restore",
    "item_update",
    "rollover_due",
    "rollover_week",
    "weekly_nudge_send",
]
