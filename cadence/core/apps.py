from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cadence.core"
    label = "core"
