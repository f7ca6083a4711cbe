from django.urls import path  # noqa: F401

from cadence.coach import views as coach_views
from cadence.coach import views as wizard_views

urlpatterns = [
    # --- Live checks, findings, settings, quality (coach integration) ---
    path("coach/", coach_views.coach_guide, name="coach_guide"),
    path("coach/check/", coach_views.coach_check, name="coach_check"),
    path("coach/dismissals/", coach_views.finding_dismiss, name="finding_dismiss"),
    path(
        "coach/dismissals/<dismissal_id>/withdraw/",
        coach_views.dismissal_withdraw,
        name="dismissal_withdraw",
    ),
    path("settings/coach/", coach_views.coach_settings, name="coach_settings"),
    path("cycles/<cycle_id>/quality/", coach_views.cycle_quality, name="cycle_quality"),
    # --- The OKR wizard ---
    path("cycles/<uuid:cycle_id>/wizard/", wizard_views.wizard, name="wizard"),
    path(
        "cycles/<uuid:cycle_id>/wizard/<slug:function_slug>/",
        wizard_views.wizard_function,
        name="wizard_function",
    ),
    path(
        "cycles/<uuid:cycle_id>/wizard/<slug:function_slug>/<int:index>/",
        wizard_views.wizard_adapt,
        name="wizard_adapt",
    ),
]
