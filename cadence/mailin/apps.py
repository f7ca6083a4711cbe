from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "cadence.mailin"
    label = "mailin"
