from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_indexes(using: str = "default", **kwargs) -> None:
    """After every migrate: the full-text indexes of the registered kinds (cadence.search.ddl),
    made again where a migration of a source table dropped them. Schema upkeep, like Django's
    own content types after migrate: no business rule runs here."""
    from django.db import connections

    from cadence.search import ddl

    ddl.ensure(connections[using])


class SearchConfig(AppConfig):
    name = "cadence.search"
    label = "search"

    def ready(self) -> None:
        from cadence.search.builtin import register_builtin

        register_builtin()
        # Any app's migrate: a source table of another app may have been rebuilt.
        post_migrate.connect(_ensure_indexes, dispatch_uid="cadence.search.ensure_indexes")
