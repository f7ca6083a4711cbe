from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "cadence.meetings"
    label = "meetings"
