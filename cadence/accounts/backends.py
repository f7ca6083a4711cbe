"""The throttle's authentication backend: django-axes's, for sign-ins that come with a request."""

from axes.backends import AxesStandaloneBackend


class ThrottleBackend(AxesStandaloneBackend):
    """Refuses any password check for a locked account or address (django-axes). A check made
    without a request (the shell, a management command, a test's ``authenticate()``) is not a
    sign-in over the network: nothing to throttle, so it passes on to the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
