"""``Delivery`` as ``scheduling.0001_initial`` created it, taken over in migration state only:
the table ``scheduling_delivery`` and its rows stay as they are (``0002`` then changes it)."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("orgs", "0002_person_weekly_digests_person_weekly_reminders"),
        ("scheduling", "0002_delivery_moves_to_mail"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Delivery",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "kind",
                            models.CharField(
                                choices=[("reminder", "Reminder"), ("digest", "Digest")],
                                max_length=10,
                            ),
                        ),
                        ("week", models.DateField()),
                        ("claim_token", models.UUIDField()),
                        ("claimed_at", models.DateTimeField()),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveSmallIntegerField(default=1)),
                        ("last_error", models.TextField(blank=True)),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="orgs.organization",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="deliveries",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="orgs.unit",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "scheduling_delivery",
                        "ordering": ["-claimed_at"],
                        "indexes": [
                            models.Index(
                                fields=["week", "kind"], name="scheduling__week_f2db62_idx"
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("kind", "reminder")),
                                fields=("kind", "person", "week"),
                                name="delivery_one_reminder_per_week",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("kind", "digest")),
                                fields=("kind", "person", "week", "unit"),
                                name="delivery_one_digest_per_team_week",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
