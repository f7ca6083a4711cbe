"""``Delivery`` moved to ``cadence.mail`` (so apps below scheduling can queue emails). Its
table ``scheduling_delivery`` and every row stay: this removes the model from scheduling's
migration state only; ``mail.0001_initial`` takes it over."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Delivery")],
            database_operations=[],
        ),
    ]
