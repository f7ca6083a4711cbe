from django.urls import include, path

from cadence.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    # Before orgs: its old "login/" (Django's LoginView) is replaced by the accounts app's.
    path("", include("cadence.accounts.urls")),
    path("", include("cadence.web.urls")),
    path("", include("cadence.orgs.urls")),
    path("", include("cadence.okrs.urls")),
    path("", include("cadence.kpis.urls")),
    path("", include("cadence.coach.urls")),
    path("", include("cadence.alignment.urls")),
    path("", include("cadence.scoring.urls")),
    path("", include("cadence.reviews.urls")),
    path("", include("cadence.retrospectives.urls")),
    path("", include("cadence.planning.urls")),
    path("", include("cadence.weekly.urls")),
    path("", include("cadence.meetings.urls")),
    path("", include("cadence.ideas.urls")),
    path("", include("cadence.calendars.urls")),
    path("", include("cadence.feed.urls")),
    path("", include("cadence.scheduling.urls")),
    path("", include("cadence.onboarding.urls")),
    path("", include("cadence.transfer.urls")),
    path("", include("cadence.mailin.urls")),
    path("", include("cadence.oneonones.urls")),
    path("", include("cadence.integrations.urls")),
    path("", include("cadence.search.urls")),
]
