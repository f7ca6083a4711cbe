"""Forms of the coach app."""

from django import forms  # noqa: F401

# --- Live checks, findings, settings, quality (coach integration) --------------------------

# --- The OKR wizard ------------------------------------------------------------------------
