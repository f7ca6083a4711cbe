"""Coach pages: live checks, findings, settings, the quality page, and the OKR wizard."""

# --- Live checks, findings, settings, quality (coach integration) --------------------------

# --- The OKR wizard ------------------------------------------------------------------------
