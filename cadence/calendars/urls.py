from django.urls import path

from cadence.calendars import views

urlpatterns = [
    path("calendars/", views.calendar_feeds, name="calendar_feeds"),
    path("calendars/mine/", views.my_feed, name="calendar_my_feed"),
    path("calendars/mine/revoke/", views.my_feed_revoke, name="calendar_my_feed_revoke"),
    path("calendars/teams/<uuid:unit_id>/", views.team_feed, name="calendar_team_feed"),
    path(
        "calendars/teams/<uuid:unit_id>/revoke/",
        views.team_feed_revoke,
        name="calendar_team_feed_revoke",
    ),
    path(
        "calendars/teams/<uuid:unit_id>/meeting/",
        views.team_meeting_slot,
        name="calendar_team_meeting",
    ),
    # The feed itself: no session (calendar apps cannot sign in); the secret is the key.
    path("calendars/<str:token>.ics", views.feed, name="calendar_feed"),
]
