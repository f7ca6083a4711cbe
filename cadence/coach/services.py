"""Every write of the coach app: settings, dismissals, the wizard's drafts, and the check that
blocks saving an OKR with an error-level finding."""

# --- Settings, dismissals and enforcement (coach integration) -----------------------------

# --- The OKR wizard ------------------------------------------------------------------------
