from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "cadence.orgs"
    label = "orgs"
