from django.urls import path

from cadence.scheduling import subscriber_views, views

urlpatterns = [
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path(
        "units/<uuid:unit_id>/digest/",
        views.digest_subscription,
        name="digest_subscription",
    ),
    path("settings/subscribers/", subscriber_views.subscribers, name="subscribers"),
    path(
        "settings/subscribers/<uuid:subscriber_id>/remove/",
        subscriber_views.subscriber_remove,
        name="subscriber_remove",
    ),
    path("unsubscribe/<str:token>/", subscriber_views.unsubscribe, name="subscriber_unsubscribe"),
]
