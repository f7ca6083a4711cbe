from django.urls import URLResolver, include, path
from django.urls.resolvers import RoutePattern


class LazyURLResolver(URLResolver):
    """A namespaced URL conf mounted by its module's name, imported when first needed: a request
    under its prefix, or a reverse of one of its (namespaced) names, both of which read its
    patterns. Django's own resolver imports every included URL conf as soon as any name is
    reversed, to list the names of the root; a namespaced one adds none there, so it is left
    alone until it is imported."""

    def _populate(self):
        if "urlconf_module" in self.__dict__:
            super()._populate()


# The API (cadence/api/urls.py): django-ninja builds a model for every operation's input and
# answers as its routers are imported, about half a second of a process's start.
API_NAMESPACE = "api-1"  # cadence.api.urls.api's urls_namespace
api_v1 = LazyURLResolver(
    RoutePattern("api/v1/"), "cadence.api.urls", app_name="ninja", namespace=API_NAMESPACE
)

urlpatterns = [
    api_v1,
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
