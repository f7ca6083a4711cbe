from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    name = "cadence.calendars"
    label = "calendars"
