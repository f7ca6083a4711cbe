from django.urls import path

from cadence.alignment import views

urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path(
        "objectives/<uuid:objective_id>/propose/", views.objective_propose, name="objective_propose"
    ),
    path(
        "objectives/<uuid:objective_id>/approve/", views.objective_approve, name="objective_approve"
    ),
    path("objectives/<uuid:objective_id>/return/", views.objective_return, name="objective_return"),
    path("objectives/<uuid:objective_id>/reopen/", views.objective_reopen, name="objective_reopen"),
    path(
        "objectives/<uuid:objective_id>/dependencies/",
        views.dependency_create,
        name="dependency_create",
    ),
    path(
        "cycles/<uuid:cycle_id>/dependencies/", views.cycle_dependencies, name="cycle_dependencies"
    ),
    path(
        "dependencies/<uuid:dependency_id>/acknowledge/",
        views.dependency_acknowledge,
        name="dependency_acknowledge",
    ),
    path(
        "dependencies/<uuid:dependency_id>/state/",
        views.dependency_state,
        name="dependency_state",
    ),
    path(
        "dependencies/<uuid:dependency_id>/delete/",
        views.dependency_delete,
        name="dependency_delete",
    ),
]
