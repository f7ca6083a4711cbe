from django.urls import path

from cadence.integrations import views

urlpatterns = [
    path("settings/integrations/", views.integrations, name="integrations"),
    path(
        "settings/integrations/switch/",
        views.integration_switch,
        name="integration_switch",
    ),
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
