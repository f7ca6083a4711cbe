from django.urls import path

from cadence.coach.views import checks, findings, wizard

urlpatterns = [
    # --- The checks: the guide, the live check, the organization's settings ---
    path("coach/", checks.coach_guide, name="coach_guide"),
    path("coach/check/", checks.coach_check, name="coach_check"),
    path("settings/coach/", checks.coach_settings, name="coach_settings"),
    # --- Findings of stored OKRs: the quality page, dismissals ---
    path("coach/dismissals/", findings.finding_dismiss, name="finding_dismiss"),
    path(
        "coach/dismissals/<dismissal_id>/withdraw/",
        findings.dismissal_withdraw,
        name="dismissal_withdraw",
    ),
    path("cycles/<cycle_id>/quality/", findings.cycle_quality, name="cycle_quality"),
    # --- The OKR wizard ---
    path("cycles/<uuid:cycle_id>/wizard/", wizard.wizard, name="wizard"),
    path(
        "cycles/<uuid:cycle_id>/wizard/<slug:function_slug>/",
        wizard.wizard_function,
        name="wizard_function",
    ),
    path(
        "cycles/<uuid:cycle_id>/wizard/<slug:function_slug>/<int:index>/",
        wizard.wizard_adapt,
        name="wizard_adapt",
    ),
]
