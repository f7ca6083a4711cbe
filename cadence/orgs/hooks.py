"""What orgs lets the apps above it take part in (cadence/core/hooks.py explains hooks)."""

from cadence.core.hooks import Listeners

# An organization was created, with its company unit, inside organization_create's transaction:
# listeners add what every organization starts with (weekly: the built-in categories Plans,
# Progress and Problems). Called as ``organization_created(organization=...)``.
organization_created = Listeners("orgs.organization_created")

# A person's personal data is being erased (``person_services.person_erase``), inside its
# transaction: listeners remove or anonymise what their app keeps about the person (accounts:
# sign-in records, invitations; scheduling: subscriptions of the address; mail: emails to
# them). Called as ``person_erased(person=..., email=..., name=...)``, with the person already
# anonymised and ``email`` / ``name`` the erased values.
person_erased = Listeners("orgs.person_erased")
