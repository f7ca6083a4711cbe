from django.urls import path

from cadence.reviews import views

urlpatterns = [
    path("cycles/<uuid:cycle_id>/review/", views.cycle_review, name="cycle_review"),
    path(
        "cycles/<uuid:cycle_id>/reviews/monthly/<str:month>/",
        views.review_monthly,
        name="review_monthly",
    ),
    path(
        "cycles/<uuid:cycle_id>/reviews/mid-cycle/",
        views.review_mid_cycle,
        name="review_mid_cycle",
    ),
]
