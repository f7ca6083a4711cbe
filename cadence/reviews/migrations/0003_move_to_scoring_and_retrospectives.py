"""ScoreChange moves to scoring, Learning and ObjectiveReviewNote to retrospectives:
the state forgets them here; their tables and rows stay as they are (scoring.0001 and
retrospectives.0001 take them over with db_table = the old names)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_targetchange_to_okrs"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="objectivereviewnote",
                    name="objective",
                ),
                migrations.RemoveField(
                    model_name="objectivereviewnote",
                    name="organization",
                ),
                migrations.RemoveField(
                    model_name="objectivereviewnote",
                    name="review",
                ),
                migrations.RemoveField(
                    model_name="scorechange",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="scorechange",
                    name="key_result",
                ),
                migrations.RemoveField(
                    model_name="scorechange",
                    name="objective",
                ),
                migrations.RemoveField(
                    model_name="scorechange",
                    name="organization",
                ),
                migrations.DeleteModel(
                    name="Learning",
                ),
                migrations.DeleteModel(
                    name="ObjectiveReviewNote",
                ),
                migrations.DeleteModel(
                    name="ScoreChange",
                ),
            ],
            database_operations=[],
        ),
    ]
