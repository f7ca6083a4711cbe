"""Pages that compose several apps. Each reads through the selectors of the apps it shows and
writes through their services; the row-building of okrs pages is ``okrs.pages``."""

from cadence.web.views.audit import audit_trail
from cadence.web.views.check_in import key_result_check_in
from cadence.web.views.dashboard import dashboard
from cadence.web.views.objectives import objective_detail, objective_state
from cadence.web.views.organization import organization_archive, organization_settings
from cadence.web.views.people import (
    invitation_resend,
    invitation_revoke,
    invite,
    people,
    person_active,
    person_erase,
    person_role,
    profile,
)
from cadence.web.views.person import person_detail
from cadence.web.views.tree import cycle_tree
from cadence.web.views.units import settings_index, unit_detail

__all__ = [
    "audit_trail",
    "cycle_tree",
    "invitation_resend",
    "invitation_revoke",
    "invite",
    "people",
    "person_active",
    "person_erase",
    "person_role",
    "profile",
    "dashboard",
    "key_result_check_in",
    "objective_detail",
    "person_detail",
    "objective_state",
    "organization_archive",
    "organization_settings",
    "settings_index",
    "unit_detail",
]
