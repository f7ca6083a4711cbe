from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "cadence.mail"
    label = "mail"

    def ready(self) -> None:
        # Hooks of the apps below this one (cadence/core/hooks.py).
        from cadence.mail import erasure
        from cadence.orgs import hooks as org_hooks

        org_hooks.person_erased.register(erasure.person_erased)
