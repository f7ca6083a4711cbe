from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "cadence.coach"
    label = "coach"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.coach import services
        from cadence.okrs import hooks as okr_hooks

        okr_hooks.coach_gate.register(services.require_no_errors_for)
