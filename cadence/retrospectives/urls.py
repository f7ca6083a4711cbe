from django.urls import path

from cadence.retrospectives import views

urlpatterns = [
    path(
        "cycles/<uuid:cycle_id>/units/<uuid:unit_id>/retrospective/",
        views.team_retrospective,
        name="team_retrospective",
    ),
    path(
        "cycles/<uuid:cycle_id>/units/<uuid:unit_id>/department-review/",
        views.department_review,
        name="department_review",
    ),
    path("cycles/<uuid:cycle_id>/company-review/", views.company_review, name="company_review"),
    path(
        "cycles/<uuid:cycle_id>/company-review.pdf",
        views.company_review_pdf,
        name="company_review_pdf",
    ),
    path("learnings/", views.learnings, name="learnings"),
]
