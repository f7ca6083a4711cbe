from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "cadence.feed"
    label = "feed"
