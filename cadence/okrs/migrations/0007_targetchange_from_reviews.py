"""TargetChange moves here from reviews, keeping its table ("reviews_targetchange") and rows:
state only, after reviews.0002 has dropped it from its state."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("okrs", "0006_cycle_dates_bounded"),
        ("orgs", "0003_organization_grading_scheme"),
        ("reviews", "0002_targetchange_to_okrs"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="TargetChange",
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
                        ("old_start", models.FloatField(blank=True, null=True)),
                        ("old_target", models.FloatField(blank=True, null=True)),
                        ("new_start", models.FloatField(blank=True, null=True)),
                        ("new_target", models.FloatField(blank=True, null=True)),
                        ("reason", models.TextField(max_length=2000)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "key_result",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="target_changes",
                                to="okrs.keyresult",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="orgs.organization",
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="target_changes",
                                to="reviews.review",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reviews_targetchange",
                        "ordering": ["created_at"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
