from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "cadence.integrations"
    label = "integrations"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.feed import hooks as feed_hooks
        from cadence.integrations import (
            channel_services,
            selectors,
            services,
            slack_services,
            sources,
        )
        from cadence.kpis import hooks as kpi_hooks
        from cadence.okrs import hooks as okr_hooks
        from cadence.orgs import hooks as org_hooks
        from cadence.scheduling import hooks as scheduling_hooks
        from cadence.scoring import hooks as scoring_hooks
        from cadence.weekly import hooks as weekly_hooks

        okr_hooks.check_in_created.register(services.on_check_in_created)
        okr_hooks.objective_state_changed.register(services.on_objective_state_changed)
        weekly_hooks.update_submitted.register(services.on_update_submitted)
        scoring_hooks.cycle_closed.register(services.on_cycle_closed)
        kpi_hooks.kpi_left_band.register(services.on_kpi_left_band)
        feed_hooks.notification_to_channel.register(channel_services.notification_post)
        scheduling_hooks.worker_turn.register(services.worker_turn)
        scheduling_hooks.worker_turn.register(channel_services.worker_turn)
        org_hooks.person_erased.register(slack_services.person_erased)
        scheduling_hooks.worker_turn.register(sources.worker_turn)
        kpi_hooks.kpi_data_source.register(selectors.kpi_data_source_of)
