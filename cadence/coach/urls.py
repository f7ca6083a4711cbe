from django.urls import path  # noqa: F401

urlpatterns = [
    # --- Live checks, findings, settings, quality (coach integration) ---
    # --- The OKR wizard ---
]
