from django.apps import AppConfig


class KpisConfig(AppConfig):
    """Key performance indicators (docs/method.md §6): health metrics kept apart from OKRs, with
    a healthy band, values over time, and a recovery objective when one leaves its band. Below
    the coach (which reads their bands) and above okrs (a KPI links to an objective)."""

    name = "cadence.kpis"
    label = "kpis"
