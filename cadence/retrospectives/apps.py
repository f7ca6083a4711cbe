from django.apps import AppConfig


class RetrospectivesConfig(AppConfig):
    name = "cadence.retrospectives"
    label = "retrospectives"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.coach import hooks as coach_hooks
        from cadence.retrospectives import selectors

        coach_hooks.objectives_explained.register(selectors.objectives_explained)
