from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "cadence.scheduling"
    label = "scheduling"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.orgs import hooks as org_hooks
        from cadence.scheduling import erasure

        org_hooks.person_erased.register(erasure.person_erased)
