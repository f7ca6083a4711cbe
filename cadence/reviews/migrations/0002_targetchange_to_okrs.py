"""TargetChange moves to okrs: the state forgets it here; its table and rows stay as they are
(okrs.0007_targetchange_from_reviews takes it over with db_table = "reviews_targetchange")."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="TargetChange")],
            database_operations=[],
        ),
    ]
