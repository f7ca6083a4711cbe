from django.urls import include, path

from cadence.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("cadence.orgs.urls")),
    path("", include("cadence.okrs.urls")),
    path("", include("cadence.coach.urls")),
    path("", include("cadence.alignment.urls")),
    path("", include("cadence.reviews.urls")),
    path("", include("cadence.weekly.urls")),
    path("", include("cadence.meetings.urls")),
    path("", include("cadence.feed.urls")),
    path("", include("cadence.scheduling.urls")),
]
