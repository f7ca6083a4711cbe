"""ScoreChange moves here from reviews, keeping its table ("reviews_scorechange") and rows: state
only, after reviews.0003 has dropped it from its state."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reviews", "0003_move_to_scoring_and_retrospectives"),
        ("okrs", "0007_targetchange_from_reviews"),
        ("orgs", "0003_organization_grading_scheme"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ScoreChange",
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
                        ("computed_score", models.FloatField(blank=True, null=True)),
                        ("old_score", models.FloatField(blank=True, null=True)),
                        ("new_score", models.FloatField()),
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
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="score_changes",
                                to="okrs.keyresult",
                            ),
                        ),
                        (
                            "objective",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="score_changes",
                                to="okrs.objective",
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
                    ],
                    options={
                        "db_table": "reviews_scorechange",
                        "ordering": ["created_at"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("key_result__isnull", True), ("objective__isnull", False)
                                    ),
                                    models.Q(
                                        ("key_result__isnull", False), ("objective__isnull", True)
                                    ),
                                    _connector="OR",
                                ),
                                name="score_change_exactly_one_target",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("new_score__gte", 0), ("new_score__lte", 1)),
                                name="score_change_in_range",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
