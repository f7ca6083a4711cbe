from django.urls import path

from cadence.planning import views

urlpatterns = [
    path("cycles/<uuid:cycle_id>/next/", views.cycle_next, name="cycle_next"),
    path(
        "objectives/<uuid:objective_id>/carry-forward/",
        views.objective_carry_forward,
        name="objective_carry_forward",
    ),
]
