from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "cadence.ideas"
    label = "ideas"
