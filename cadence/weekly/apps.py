from django.apps import AppConfig


class WeeklyConfig(AppConfig):
    name = "cadence.weekly"
    label = "weekly"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.orgs import hooks as org_hooks
        from cadence.weekly import services

        org_hooks.organization_created.register(services.categories_create_defaults)
