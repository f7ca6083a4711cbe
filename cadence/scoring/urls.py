from django.urls import path

from cadence.scoring import views

urlpatterns = [
    path("cycles/<uuid:cycle_id>/results/", views.cycle_results, name="cycle_results"),
    path("cycles/<uuid:cycle_id>/close/", views.cycle_close, name="cycle_close"),
    path("cycles/<uuid:cycle_id>/results/grading/", views.grading_scheme, name="grading_scheme"),
    path("objectives/<uuid:objective_id>/score/", views.objective_score, name="objective_score"),
    path(
        "key-results/<uuid:key_result_id>/score/", views.key_result_score, name="key_result_score"
    ),
]
