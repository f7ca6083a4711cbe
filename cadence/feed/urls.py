from django.urls import path

from cadence.feed import views

urlpatterns = [
    path("feed/", views.feed_page, name="feed"),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<uuid:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
    path(
        "objectives/<uuid:objective_id>/comments/",
        views.objective_comments,
        name="objective_comments",
    ),
    path("objectives/<uuid:objective_id>/like/", views.objective_like, name="objective_like"),
    path(
        "key-results/<uuid:key_result_id>/comments/",
        views.key_result_comments,
        name="key_result_comments",
    ),
    path("key-results/<uuid:key_result_id>/like/", views.key_result_like, name="key_result_like"),
    path("weekly-items/<uuid:item_id>/comments/", views.item_comments, name="item_comments"),
    path("weekly-items/<uuid:item_id>/like/", views.item_like, name="item_like"),
    path("comments/<uuid:comment_id>/delete/", views.comment_delete, name="comment_delete"),
]
