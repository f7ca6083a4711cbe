from django.urls import path

from cadence.ideas import views

urlpatterns = [
    path("ideas/", views.ideas_rounds, name="ideas_rounds"),
    path("ideas/new/", views.ideas_round_new, name="ideas_round_new"),
    path("ideas/rounds/<uuid:round_id>/", views.ideas_round, name="ideas_round"),
    path("ideas/rounds/<uuid:round_id>/answer/", views.idea_add, name="idea_add"),
    path("ideas/<uuid:idea_id>/vote/", views.idea_vote, name="idea_vote"),
    path("ideas/<uuid:idea_id>/comment/", views.idea_comment, name="idea_comment"),
    path("ideas/<uuid:idea_id>/promote/", views.idea_promote, name="idea_promote"),
    path("ideas/<uuid:idea_id>/decline/", views.idea_decline, name="idea_decline"),
]
