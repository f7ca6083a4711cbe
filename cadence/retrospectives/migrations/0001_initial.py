"""Learning and ObjectiveReviewNote move here from reviews, keeping their tables
("reviews_learning", "reviews_objectivereviewnote") and rows: state only, after reviews.0003
has dropped them from its state."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("okrs", "0007_targetchange_from_reviews"),
        ("orgs", "0003_organization_grading_scheme"),
        ("reviews", "0003_move_to_scoring_and_retrospectives"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Learning",
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
                                choices=[
                                    ("learning", "Learning"),
                                    ("takeaway", "Takeaway"),
                                    ("idea", "Idea for next cycle"),
                                ],
                                default="learning",
                                max_length=10,
                            ),
                        ),
                        ("text", models.TextField(max_length=1000)),
                        ("position", models.PositiveIntegerField(default=0)),
                        (
                            "cycle",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="okrs.cycle",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="learnings",
                                to="orgs.organization",
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="learnings",
                                to="reviews.review",
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
                        "db_table": "reviews_learning",
                        "ordering": ["review", "position", "created_at"],
                        "indexes": [
                            models.Index(
                                fields=["organization", "cycle", "unit"],
                                name="reviews_lea_organiz_eedb3e_idx",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ObjectiveReviewNote",
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
                        ("text", models.TextField(max_length=4000)),
                        (
                            "objective",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="review_notes",
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
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="objective_notes",
                                to="reviews.review",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reviews_objectivereviewnote",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("review", "objective"),
                                name="review_note_once_per_objective",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
