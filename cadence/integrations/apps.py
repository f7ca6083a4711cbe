from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "cadence.integrations"
    label = "integrations"
