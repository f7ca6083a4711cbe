from django.apps import AppConfig


class WeeklyConfig(AppConfig):
    name = "cadence.weekly"
    label = "weekly"
