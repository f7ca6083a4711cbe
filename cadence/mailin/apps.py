"""Replies to the reminder and digest emails that become a person's weekly items (issue 15,
point 1): signed reply addresses, parsing, and the three ways in (standard input, IMAP, an
inbound webhook)."""

from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "cadence.mailin"
    label = "mailin"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py), and django-anymail's signal
        # for the inbound webhook (the library's way to hand over a received message).
        from anymail.signals import inbound

        from cadence.mailin import services
        from cadence.orgs import hooks as org_hooks
        from cadence.scheduling import hooks as scheduling_hooks

        scheduling_hooks.reply_address.register(services.reply_address_for)
        scheduling_hooks.worker_turn.register(services.worker_turn)
        org_hooks.person_erased.register(services.person_erased)
        inbound.connect(services.inbound_received, dispatch_uid="cadence.mailin.inbound")
