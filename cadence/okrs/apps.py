from django.apps import AppConfig


class OkrsConfig(AppConfig):
    name = "cadence.okrs"
    label = "okrs"
