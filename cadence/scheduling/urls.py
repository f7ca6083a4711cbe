from django.urls import path

from cadence.scheduling import views

urlpatterns = [
    path("settings/notifications/", views.notification_settings, name="notification_settings"),
    path(
        "units/<uuid:unit_id>/digest/",
        views.digest_subscription,
        name="digest_subscription",
    ),
]
