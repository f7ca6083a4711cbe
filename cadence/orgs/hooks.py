"""What orgs lets the apps above it take part in (cadence/core/hooks.py explains hooks)."""

from cadence.core.hooks import Listeners

# An organization was created, with its company unit, inside organization_create's transaction:
# listeners add what every organization starts with (weekly: the built-in categories Plans,
# Progress and Problems). Called as ``organization_created(organization=...)``.
organization_created = Listeners("orgs.organization_created")
