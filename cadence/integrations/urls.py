from django.urls import path

from cadence.integrations import channel_views, slack_views, source_views, views

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
    path("kpis/<uuid:kpi_id>/source/", source_views.kpi_source, name="kpi_source"),
    path(
        "kpis/<uuid:kpi_id>/source/sync/",
        source_views.kpi_source_sync,
        name="kpi_source_sync",
    ),
    path(
        "kpis/<uuid:kpi_id>/source/active/",
        source_views.kpi_source_active,
        name="kpi_source_active",
    ),
    path(
        "kpis/<uuid:kpi_id>/source/delete/",
        source_views.kpi_source_delete,
        name="kpi_source_delete",
    ),
    path(
        "settings/integrations/sources/hour/",
        source_views.data_sources_hour,
        name="data_sources_hour",
    ),
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
    path("units/<uuid:unit_id>/channels/", channel_views.unit_channels, name="unit_channels"),
    path(
        "settings/integrations/channels/<uuid:channel_id>/active/",
        channel_views.channel_active,
        name="channel_active",
    ),
    path(
        "settings/integrations/channels/<uuid:channel_id>/test/",
        channel_views.channel_test,
        name="channel_test",
    ),
    path(
        "settings/integrations/channels/<uuid:channel_id>/delete/",
        channel_views.channel_delete,
        name="channel_delete",
    ),
    path("integrations/slack/commands", slack_views.slack_command, name="slack_command"),
    path(
        "integrations/slack/interactions", slack_views.slack_interaction, name="slack_interaction"
    ),
    path("integrations/slack/link/<str:token>/", slack_views.slack_link, name="slack_link"),
    path("integrations/slack/account/", slack_views.slack_account, name="slack_account"),
]
