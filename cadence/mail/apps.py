from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "cadence.mail"
    label = "mail"
