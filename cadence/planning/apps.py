from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "cadence.planning"
    label = "planning"
