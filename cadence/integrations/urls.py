from django.urls import path

from cadence.integrations import source_views, views

urlpatterns = [
    path(
        "key-results/<uuid:key_result_id>/source/",
        source_views.key_result_source,
        name="key_result_source",
    ),
    path(
        "key-results/<uuid:key_result_id>/source/sync/",
        source_views.key_result_source_sync,
        name="key_result_source_sync",
    ),
    path(
        "key-results/<uuid:key_result_id>/source/active/",
        source_views.key_result_source_active,
        name="key_result_source_active",
    ),
    path(
        "key-results/<uuid:key_result_id>/source/delete/",
        source_views.key_result_source_delete,
        name="key_result_source_delete",
    ),
    path(
        "settings/integrations/sources/hour/",
        source_views.data_sources_hour,
        name="data_sources_hour",
    ),
    path("settings/integrations/", views.integrations, name="integrations"),
    path(
        "settings/integrations/webhooks/<uuid:webhook_id>/",
        views.webhook_log,
        name="webhook_log",
    ),
    path(
        "settings/integrations/webhooks/<uuid:webhook_id>/active/",
        views.webhook_active,
        name="webhook_active",
    ),
    path(
        "settings/integrations/webhooks/<uuid:webhook_id>/test/",
        views.webhook_test,
        name="webhook_test",
    ),
    path(
        "settings/integrations/webhooks/<uuid:webhook_id>/delete/",
        views.webhook_delete,
        name="webhook_delete",
    ),
]
