from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "cadence.alignment"
    label = "alignment"
