from django.urls import path

from cadence.okrs import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<uuid:cycle_id>/tree/", views.cycle_tree, name="cycle_tree"),
    path(
        "cycles/<uuid:cycle_id>/tree/units/<uuid:unit_id>/",
        views.cycle_tree_unit,
        name="cycle_tree_unit",
    ),
    path(
        "cycles/<uuid:cycle_id>/tree/objectives/<uuid:objective_id>/",
        views.cycle_tree_objective,
        name="cycle_tree_objective",
    ),
    path("objectives/new/", views.objective_create, name="objective_create"),
    path("objectives/<uuid:objective_id>/", views.objective_detail, name="objective_detail"),
    path("objectives/<uuid:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<uuid:objective_id>/state/", views.objective_state, name="objective_state"),
    path("objectives/<uuid:objective_id>/delete/", views.objective_delete, name="objective_delete"),
    path(
        "objectives/<uuid:objective_id>/key-results/new/",
        views.key_result_create,
        name="key_result_create",
    ),
    path("key-results/<uuid:key_result_id>/edit/", views.key_result_edit, name="key_result_edit"),
    path(
        "key-results/<uuid:key_result_id>/delete/",
        views.key_result_delete,
        name="key_result_delete",
    ),
    path(
        "key-results/<uuid:key_result_id>/check-in/",
        views.key_result_check_in,
        name="key_result_check_in",
    ),
]
