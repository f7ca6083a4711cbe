from django.urls import path  # noqa: F401

from cadence.reviews import views

urlpatterns = [
    # --- Scoring, closing, results and charts ---
    path("cycles/<uuid:cycle_id>/results/", views.cycle_results, name="cycle_results"),
    path("cycles/<uuid:cycle_id>/close/", views.cycle_close, name="cycle_close"),
    path("cycles/<uuid:cycle_id>/results/grading/", views.grading_scheme, name="grading_scheme"),
    path("objectives/<uuid:objective_id>/score/", views.objective_score, name="objective_score"),
    path(
        "key-results/<uuid:key_result_id>/score/", views.key_result_score, name="key_result_score"
    ),
    # --- Phases, what is due, monthly and mid-cycle reviews, target changes ---
    path("cycles/<uuid:cycle_id>/review/", views.cycle_review, name="cycle_review"),
    path(
        "cycles/<uuid:cycle_id>/reviews/monthly/<str:month>/",
        views.review_monthly,
        name="review_monthly",
    ),
    path(
        "cycles/<uuid:cycle_id>/reviews/mid-cycle/",
        views.review_mid_cycle,
        name="review_mid_cycle",
    ),
    # --- Retrospectives, department and company reviews, exports, learnings ---
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
    # --- Next cycle: carry forward ---
    path("cycles/<uuid:cycle_id>/next/", views.cycle_next, name="cycle_next"),
    path(
        "objectives/<uuid:objective_id>/carry-forward/",
        views.objective_carry_forward,
        name="objective_carry_forward",
    ),
]
