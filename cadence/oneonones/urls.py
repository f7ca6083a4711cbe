from django.urls import path

from cadence.oneonones import views

urlpatterns = [
    path("one-on-ones/", views.one_on_ones, name="one_on_ones"),
    path("one-on-ones/<uuid:pair_id>/", views.one_on_one, name="one_on_one"),
    path(
        "one-on-ones/<uuid:pair_id>/meetings/<uuid:meeting_id>/",
        views.one_on_one_meeting,
        name="one_on_one_meeting",
    ),
    path(
        "one-on-ones/<uuid:pair_id>/talking-points/",
        views.talking_point_add,
        name="one_on_one_talking_point_add",
    ),
    path("one-on-ones/<uuid:pair_id>/notes/", views.note_add, name="one_on_one_note_add"),
    path(
        "one-on-ones/<uuid:pair_id>/action-items/",
        views.action_item_add,
        name="one_on_one_action_item_add",
    ),
    path(
        "one-on-ones/<uuid:pair_id>/action-items/<uuid:item_id>/tick/",
        views.action_item_tick,
        name="one_on_one_action_item_tick",
    ),
    path(
        "one-on-ones/<uuid:pair_id>/feedback/", views.feedback_add, name="one_on_one_feedback_add"
    ),
]
