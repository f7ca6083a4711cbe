from django.urls import path

from cadence.meetings import views

urlpatterns = [
    path("meeting/", views.my_meeting, name="my_meeting"),
    path("teams/<uuid:unit_id>/meeting/", views.team_meeting, name="team_meeting"),
    path("teams/<uuid:unit_id>/meeting/present/", views.present_meeting, name="present_meeting"),
]
