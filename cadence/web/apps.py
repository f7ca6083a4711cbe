from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages that compose several apps (the dashboard, the objective page, the alignment tree,
    a unit's page, the inline check-in's answer): above okrs, coach, alignment, reviews and
    weekly, so each of those stays ignorant of the others' pages. No models."""

    name = "cadence.web"
    label = "web"
