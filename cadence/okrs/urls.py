from django.urls import path

from cadence.okrs import views

urlpatterns = [
    path("cycles/", views.cycles, name="cycles"),
    path("cycles/<uuid:cycle_id>/edit/", views.cycle_edit, name="cycle_edit"),
    path("cycles/<uuid:cycle_id>/delete/", views.cycle_delete, name="cycle_delete"),
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
    path("objectives/<uuid:objective_id>/edit/", views.objective_edit, name="objective_edit"),
    path("objectives/<uuid:objective_id>/delete/", views.objective_delete, name="objective_delete"),
    path(
        "objectives/<uuid:objective_id>/key-results/new/",
        views.key_result_create,
        name="key_result_create",
    ),
    path("key-results/<uuid:key_result_id>/edit/", views.key_result_edit, name="key_result_edit"),
    path(
        "key-results/<uuid:key_result_id>/owner/", views.key_result_owner, name="key_result_owner"
    ),
    path(
        "key-results/<uuid:key_result_id>/delete/",
        views.key_result_delete,
        name="key_result_delete",
    ),
]
