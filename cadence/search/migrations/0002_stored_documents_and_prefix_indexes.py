"""Issue 16.6 (speed): on PostgreSQL each searched table gets a stored, weighted ``tsvector``
column kept by a trigger and a GIN index on it (the expression index of 0001 is dropped); on
SQLite the FTS5 tables are made anew with prefix indexes and rebuilt from their rows. Existing
rows are kept and indexed (cadence.search.ddl.ensure)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from cadence.search import ddl

    ddl.ensure(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_full_text_indexes"), ("kpis", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
