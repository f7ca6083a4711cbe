from django.urls import path

from cadence.transfer import views

urlpatterns = [
    # <filename> is "<what>.<csv|xlsx>": okrs, check-ins, weekly, scores or learnings.
    path("cycles/<uuid:cycle_id>/export/<str:filename>", views.export, name="export"),
]
