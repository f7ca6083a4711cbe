from django.apps import AppConfig


class CoachConfig(AppConfig):
    name = "cadence.coach"
    label = "coach"
