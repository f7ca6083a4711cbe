from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in and its safety: django-allauth (sign-in, password reset, email change,
    two-factor) and django-axes (throttling), with Cadence's adapter, pages and policies."""

    name = "cadence.accounts"
    label = "accounts"

    def ready(self) -> None:
        from cadence.accounts import audit, erasure, throttle
        from cadence.orgs import hooks as org_hooks

        throttle.connect_signals()
        audit.connect_signals()
        org_hooks.person_erased.register(erasure.person_erased)
