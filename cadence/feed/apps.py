from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "cadence.feed"
    label = "feed"

    def ready(self) -> None:
        from cadence.alignment import hooks as alignment_hooks
        from cadence.feed import listeners, notify, selectors, services
        from cadence.kpis import hooks as kpi_hooks
        from cadence.mail import hooks as mail_hooks
        from cadence.weekly import hooks as weekly_hooks

        mail_hooks.delivery_sent.register(services.mention_emailed)
        mail_hooks.delivery_sent.register(notify.notification_emailed)
        weekly_hooks.item_discussions.register(selectors.discussions_for)
        alignment_hooks.approval_asked.register(listeners.approval_asked)
        alignment_hooks.objective_reviewed.register(listeners.objective_reviewed)
        alignment_hooks.dependency_asked.register(listeners.dependency_asked)
        kpi_hooks.kpi_left_band.register(listeners.kpi_left_band)
