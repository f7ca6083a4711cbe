from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "cadence.calendars"
    label = "calendars"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.calendars import erasure
        from cadence.orgs import hooks as org_hooks

        org_hooks.person_erased.register(erasure.person_erased)
