"""The full-text indexes of the searched tables (cadence.search.ddl): FTS5 tables with their
triggers on SQLite, GIN expression indexes on PostgreSQL. Made again after every migrate where
missing (SearchConfig's post_migrate), so this migration only makes them early."""

from django.db import migrations


def forwards(apps, schema_editor):
    from cadence.search import ddl

    ddl.ensure(schema_editor.connection)


def backwards(apps, schema_editor):
    from cadence.search import ddl

    ddl.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0009_ordering_ties_by_id"),
        ("weekly", "0003_item_late_settled"),
        ("feed", "0001_initial"),
        ("retrospectives", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
