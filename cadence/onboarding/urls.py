from django.urls import path

from cadence.onboarding import views

urlpatterns = [
    path("setup/", views.setup, name="setup"),
    path("setup/checklist/deadline/", views.confirm_deadline, name="setup_confirm_deadline"),
    path("setup/checklist/dismiss/", views.dismiss, name="setup_dismiss"),
    path("settings/rollout/", views.rollout, name="rollout"),
    path("settings/rollout/tick/", views.rollout_tick, name="rollout_tick"),
]
