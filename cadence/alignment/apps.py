from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "cadence.alignment"
    label = "alignment"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.alignment import services
        from cadence.okrs import hooks as okr_hooks

        okr_hooks.objective_started.register(services.objective_started)
        okr_hooks.objective_realigned.register(services.objective_realigned)
        okr_hooks.objective_propose.register(services.objective_propose)
        okr_hooks.objective_approve.register(services.objective_approve)
        okr_hooks.objective_reopen.register(services.objective_reopen)
