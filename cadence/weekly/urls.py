from django.urls import path

from cadence.weekly import settings_views, views

urlpatterns = [
    path("weekly/", views.weekly_mine, name="weekly_mine"),
    path("weekly/<uuid:person_id>/<str:week>/", views.weekly_update, name="weekly_update"),
    path("weekly-items/<uuid:item_id>/edit/", views.item_edit, name="weekly_item_edit"),
    path("weekly-items/<uuid:item_id>/move/", views.item_move, name="weekly_item_move"),
    path("weekly-items/<uuid:item_id>/delete/", views.item_delete, name="weekly_item_delete"),
    path("weekly-items/<uuid:item_id>/restore/", views.item_restore, name="weekly_item_restore"),
    path("teams/<uuid:unit_id>/weekly/", views.team_report, name="team_report"),
    path(
        "teams/<uuid:unit_id>/members/<uuid:person_id>/nudge/",
        views.weekly_nudge,
        name="weekly_nudge",
    ),
    path("teams/<uuid:unit_id>/settings/", settings_views.team_settings, name="team_settings"),
    path("settings/weekly-categories/", settings_views.weekly_categories, name="weekly_categories"),
    path(
        "settings/weekly-categories/<uuid:category_id>/",
        settings_views.category_change,
        name="weekly_category_change",
    ),
]
