from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "cadence.scoring"
    label = "scoring"
