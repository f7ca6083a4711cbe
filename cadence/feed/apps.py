from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "cadence.feed"
    label = "feed"

    def ready(self) -> None:
        from cadence.feed import selectors, services
        from cadence.mail import hooks as mail_hooks
        from cadence.weekly import hooks as weekly_hooks

        mail_hooks.delivery_sent.register(services.mention_emailed)
        weekly_hooks.item_discussions.register(selectors.discussions_for)
