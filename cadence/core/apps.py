from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "cadence.core"
    label = "core"

    def ready(self) -> None:
        from cadence.core import deploy  # noqa: F401 (registers the deploy check)
