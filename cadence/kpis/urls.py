from django.urls import path

from cadence.kpis import views

urlpatterns = [
    path("kpis/", views.kpi_list, name="kpis"),
    path("units/<uuid:unit_id>/kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/<uuid:kpi_id>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/<uuid:kpi_id>/edit/", views.kpi_edit, name="kpi_edit"),
    path("kpis/<uuid:kpi_id>/archive/", views.kpi_archive, name="kpi_archive"),
    path("kpis/<uuid:kpi_id>/recovery/", views.kpi_recovery, name="kpi_recovery"),
]
