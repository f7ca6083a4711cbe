"""Plans, Progress and Problems for every organization that existed before weekly updates."""

from django.db import migrations

BUILT_IN = (
    ("plans", "Plans", True),
    ("progress", "Progress", False),
    ("problems", "Problems", True),
)


def create_defaults(apps, schema_editor):
    Organization = apps.get_model("orgs", "Organization")
    Category = apps.get_model("weekly", "Category")
    for organization in Organization.objects.all():
        for position, (slug, name, carries_over) in enumerate(BUILT_IN):
            Category.objects.get_or_create(
                organization=organization,
                unit=None,
                slug=slug,
                defaults={"name": name, "position": position, "carries_over": carries_over},
            )


class Migration(migrations.Migration):
    dependencies = [("weekly", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
