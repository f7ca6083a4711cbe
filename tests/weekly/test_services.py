"""Weekly services: categories, items, links, moves, deletion and who may write."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cadence.orgs.models import Person
from cadence.weekly import selectors, services
from cadence.weekly.models import Category, Item, ItemMove, WeeklyUpdate
from tests import factories as f

from .conftest import WEEK

# Categories -------------------------------------------------------------------------------


def test_every_new_organization_has_plans_progress_problems(org):
    categories = selectors.categories_for(org)
    assert [(c.slug, c.name, c.carries_over) for c in categories] == [
        ("plans", "Plans", True),
        ("progress", "Progress", False),
        ("problems", "Problems", True),
    ]
    assert all(c.is_built_in for c in categories)
    # Idempotent: calling it again creates nothing new.
    services.categories_create_defaults(organization=org)
    assert Category.objects.filter(organization=org).count() == 3


def test_data_migration_creates_defaults_for_existing_organizations(org):
    from importlib import import_module

    from django.apps import apps

    Category.objects.filter(organization=org).delete()
    migration = import_module("cadence.weekly.migrations.0002_default_categories")
    migration.create_defaults(apps, None)
    migration.create_defaults(apps, None)
    assert sorted(Category.objects.filter(organization=org).values_list("slug", flat=True)) == [
        "plans",
        "problems",
        "progress",
    ]


def test_admin_adds_renames_reorders_and_archives_an_org_category(org, admin, member, add):
    ideas = services.category_create(actor=admin, name="  Future   ideas ")
    assert (ideas.name, ideas.slug, ideas.position, ideas.carries_over) == (
        "Future ideas",
        "future-ideas",
        3,
        False,
    )
    item = add(member, "future-ideas", "A dark mode")
    services.category_update(actor=admin, category=ideas, name="Someday", position=0)
    assert [c.slug for c in selectors.categories_for(org)] == [
        "future-ideas",
        "plans",
        "progress",
        "problems",
    ]
    assert selectors.categories_for(org)[0].name == "Someday"  # the slug stays stable
    services.category_archive(actor=admin, category=ideas)
    assert "future-ideas" not in [c.slug for c in selectors.categories_for(org)]
    # Its items are kept and still shown...
    assert selectors.update_of(org, member, WEEK, viewer=f.ALL).items.get().pk == item.pk
    # ...but nothing new goes in, nor moves in.
    with pytest.raises(ValidationError) as exc:
        add(member, "future-ideas", "Another")
    assert "category" in exc.value.message_dict
    plan = add(member, "plans", "Ship it")
    with pytest.raises(ValidationError):
        services.item_move(actor=member, item=plan, category="future-ideas")
    assert [c.slug for c in selectors.categories_for(org)] == ["plans", "progress", "problems"]
    services.category_restore(actor=admin, category=ideas)
    assert selectors.categories_for(org)[-1].slug == "future-ideas"


def test_built_ins_can_be_renamed_and_reordered_but_not_archived(org, admin):
    plans, progress, problems = selectors.categories_for(org)
    services.category_update(actor=admin, category=problems, name="Blockers", position=0)
    assert [c.name for c in selectors.categories_for(org)] == ["Blockers", "Plans", "Progress"]
    with pytest.raises(ValidationError):
        services.category_archive(actor=admin, category=plans)
    plans.refresh_from_db()
    assert plans.archived_at is None


def test_category_names_are_validated(org, admin):
    for name, message in [("", "name"), ("   ", "name"), ("x" * 61, "name"), ("plans", "name")]:
        with pytest.raises(ValidationError) as exc:
            services.category_create(actor=admin, name=name)
        assert message in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.category_update(
            actor=admin, category=selectors.categories_for(org)[0], position=-1
        )
    assert Category.objects.filter(organization=org).count() == 3


def test_a_team_category_applies_to_its_members_only(org, admin, member, team, add):
    other_team = f.make_unit(org, "Sales")
    seller = f.make_person(org, name="Sam Seller")
    f.join(other_team, seller)
    ideas = services.category_create(actor=member, name="Ideas", unit=team, carries_over=True)
    assert ideas.unit == team
    assert [c.slug for c in selectors.categories_for(org, team)][-1] == "ideas"
    assert "ideas" not in [c.slug for c in selectors.categories_for(org, other_team)]
    assert add(member, "ideas", "Try pairing").category == ideas
    with pytest.raises(ValidationError):
        add(seller, "ideas", "Not ours")
    # Same name in another team is fine; an org-wide clash is not.
    services.category_create(actor=seller, name="Ideas", unit=other_team)
    with pytest.raises(ValidationError):
        services.category_create(actor=member, name="Progress", unit=team)
    # An org-wide category may not share a team's category name, nor take a slug a team uses.
    with pytest.raises(ValidationError):
        services.category_create(actor=admin, name="ideas")
    assert services.category_create(actor=admin, name="Ideas!").slug == "ideas-2"


def test_who_may_change_categories(org, admin, member, viewer, team, outsider):
    with pytest.raises(PermissionDenied):
        services.category_create(actor=member, name="Org wide")
    with pytest.raises(PermissionDenied):
        services.category_create(actor=viewer, name="Team", unit=team)
    stranger = f.make_person(org, name="Not in team")
    with pytest.raises(PermissionDenied):
        services.category_create(actor=stranger, name="Team", unit=team)
    with pytest.raises(PermissionDenied):
        services.category_create(actor=outsider, name="Team", unit=team)
    plans = selectors.categories_for(org)[0]
    with pytest.raises(PermissionDenied):
        services.category_update(actor=member, category=plans, name="Mine")
    with pytest.raises(PermissionDenied):
        services.category_update(actor=outsider, category=plans, name="Mine")
    with pytest.raises(ValidationError):
        services.category_create(actor=admin, name="Dept", unit=f.make_unit(org, "D", "department"))
    assert Category.objects.filter(organization=org).count() == 3


# Items ------------------------------------------------------------------------------------


def test_item_create_makes_the_update_and_validates(org, member, add, objective, kr):
    item = add(member, "plans", "  Ship onboarding v2  ", week=WEEK + timedelta(days=3))
    assert item.text == "Ship onboarding v2"
    assert item.update.week == WEEK and item.update.person == member
    assert item.update.submitted_at is not None
    assert item.created_by == member
    second = add(member, "plans", "Interview users", key_result=kr)
    assert (second.objective, second.key_result, second.position) == (objective, kr, 1)
    assert add(member, "progress", "Fixed the flaky test").position == 0  # unplanned work
    for kwargs, field in [
        ({"text": ""}, "text"),
        ({"text": "   \n "}, "text"),
        ({"text": "x" * 1001}, "text"),
        ({"category": "nope"}, "category"),
        ({"category": ""}, "category"),
    ]:
        args = {"category": "plans", "text": "fine", **kwargs}
        with pytest.raises(ValidationError) as exc:
            add(member, args["category"], args["text"])
        assert field in exc.value.message_dict
    assert add(member, "plans", "x" * 1000).text == "x" * 1000
    assert WeeklyUpdate.objects.count() == 1
    assert Item.objects.count() == 4


def test_links_must_be_of_the_same_organization_and_agree(org, admin, member, add, objective, kr):
    other_org, other_admin = f.make_org("Else")
    other_cycle = f.make_cycle(other_admin)
    other_team = f.make_unit(other_org, "T")
    foreign = f.make_objective(other_admin, other_cycle, other_team, title="Foreign")
    foreign_kr = f.make_kr(other_admin, foreign, title="Foreign KR")
    second = f.make_objective(admin, objective.cycle, objective.unit, title="Second objective")
    with pytest.raises(ValidationError) as exc:
        add(member, "plans", "x", objective=foreign)
    assert "objective" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        add(member, "plans", "x", key_result=foreign_kr)
    assert "key_result" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        add(member, "plans", "x", objective=second, key_result=kr)
    assert "key_result" in exc.value.message_dict
    assert not Item.objects.exists()


def test_item_update_text_and_links(org, admin, member, add, objective, kr):
    second = f.make_objective(admin, objective.cycle, objective.unit, title="Second objective")
    item = add(member, "plans", "Draft")
    item = services.item_update(actor=member, item=item, text=" Final ")
    assert item.text == "Final"
    item = services.item_update(actor=member, item=item, key_result=kr)
    assert (item.objective, item.key_result) == (objective, kr)
    item = services.item_update(actor=member, item=item, objective=second)
    assert (item.objective, item.key_result) == (second, None)  # the old KR no longer fits
    item = services.item_update(actor=member, item=item, objective=None)
    assert (item.objective, item.key_result) == (None, None)
    with pytest.raises(ValidationError):
        services.item_update(actor=member, item=item, text="")
    item.refresh_from_db()
    assert item.text == "Final"


def test_moves_are_recorded(org, member, add):
    plan = add(member, "plans", "Ship")
    stuck = add(member, "plans", "Hire")
    services.item_move(actor=member, item=plan, category="progress")
    services.item_move(actor=member, item=stuck, category="problems")
    services.item_move(actor=member, item=stuck, category="plans")
    services.item_move(actor=member, item=stuck, category="plans")  # no move: same category
    moves = list(
        ItemMove.objects.order_by("created_at").values_list(
            "from_category__slug", "to_category__slug"
        )
    )
    assert moves == [("plans", "progress"), ("plans", "problems"), ("problems", "plans")]
    with pytest.raises(ValidationError) as exc:
        services.item_move(actor=member, item=plan, category="done")
    assert "category" in exc.value.message_dict
    plan.refresh_from_db()
    assert plan.category.slug == "progress"


def test_move_and_reorder_positions(org, member, add):
    a, b, c = (add(member, "plans", t) for t in "abc")
    services.item_move(actor=member, item=c, category="plans", position=0)
    order = list(
        Item.objects.filter(category__slug="plans")
        .order_by("position")
        .values_list("text", flat=True)
    )
    assert order == ["c", "a", "b"]
    assert not ItemMove.objects.exists()
    done = add(member, "progress", "done")
    services.item_move(actor=member, item=b, category="progress", position=0)
    progress = list(
        Item.objects.filter(category__slug="progress")
        .order_by("position")
        .values_list("pk", flat=True)
    )
    assert progress == [b.pk, done.pk]
    with pytest.raises(ValidationError):
        services.item_move(actor=member, item=a, category="plans", position=-1)


def test_delete_and_restore_within_30_days(org, member, add):
    item = add(member, "plans", "Maybe")
    services.item_delete(actor=member, item=item)
    assert list(selectors.update_of(org, member, WEEK, viewer=f.ALL).items.all()) == []
    assert selectors.deleted_items_of(org, member, WEEK, viewer=f.ALL) == [item]
    with pytest.raises(ValidationError):
        services.item_move(actor=member, item=item, category="progress")
    with pytest.raises(ValidationError):
        services.item_update(actor=member, item=item, text="Edit")
    services.item_restore(actor=member, item=item)
    assert list(selectors.update_of(org, member, WEEK, viewer=f.ALL).items.all()) == [item]

    services.item_delete(actor=member, item=item)
    Item.objects.filter(pk=item.pk).update(deleted_at=timezone.now() - timedelta(days=31))
    assert selectors.deleted_items_of(org, member, WEEK, viewer=f.ALL) == []
    with pytest.raises(ValidationError):
        services.item_restore(actor=member, item=item)
    item.refresh_from_db()
    assert item.deleted_at is not None


def test_who_writes_a_persons_update(org, admin, member, viewer, outsider, add):
    colleague = f.make_person(org, name="Colleague")
    with pytest.raises(PermissionDenied):
        add(member, "plans", "x", actor=colleague)
    with pytest.raises(PermissionDenied):
        add(member, "plans", "x", actor=viewer)
    with pytest.raises(PermissionDenied):
        add(viewer, "plans", "x")
    with pytest.raises(PermissionDenied):
        add(member, "plans", "x", actor=outsider)
    item = add(member, "plans", "Written by an admin", actor=admin)
    # An admin's writing does not count as the person's own update.
    assert item.update.submitted_at is None
    for write in (
        lambda a: services.item_update(actor=a, item=item, text="y"),
        lambda a: services.item_move(actor=a, item=item, category="progress"),
        lambda a: services.item_delete(actor=a, item=item),
        lambda a: services.item_restore(actor=a, item=item),
    ):
        for actor in (colleague, viewer, outsider):
            with pytest.raises(PermissionDenied):
                write(actor)
    item.refresh_from_db()
    assert (item.text, item.category.slug, item.deleted_at) == (
        "Written by an admin",
        "plans",
        None,
    )


@pytest.mark.parametrize("how", ["update", "move"])
def test_submitted_when_the_person_edits_or_moves_themself(org, admin, member, add, how):
    item = add(member, "plans", "By admin", actor=admin)
    assert item.update.submitted_at is None
    if how == "update":
        services.item_update(actor=member, item=item, text="Mine now")
    else:
        services.item_move(actor=member, item=item, category="progress")
    assert WeeklyUpdate.objects.get().submitted_at is not None


def test_inactive_person_cannot_write(org, member, add):
    Person.objects.filter(pk=member.pk).update(is_active=False)
    member.refresh_from_db()
    with pytest.raises(PermissionDenied):
        add(member, "plans", "x")
