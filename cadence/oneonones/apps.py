"""1:1s framed around OKRs (issue 17, point 4; docs/method.md §9)."""

from django.apps import AppConfig


class OneOnOnesConfig(AppConfig):
    name = "cadence.oneonones"
    label = "oneonones"
    verbose_name = "1:1s"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py): the worker's turn queues
        # the reminders of the 1:1s that fall due.
        from cadence.oneonones import services
        from cadence.scheduling import hooks as scheduling_hooks

        scheduling_hooks.worker_turn.register(services.worker_turn)
