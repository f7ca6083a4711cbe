"""The OKR wizard: pick a function, browse its examples, adapt one into a draft."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.coach import examples
from cadence.coach.services import wizard_draft_create
from cadence.okrs.models import KeyResult, Objective
from cadence.orgs.selectors import company_unit
from tests import factories as f

SALES = examples.function_get("sales")


@pytest.fixture
def company_objective(admin, cycle, org):
    return f.make_objective(admin, cycle, company_unit(org), title="Grow into new markets")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def _rows(*rows):
    return [{"kind": "metric", "unit": "%"} | row for row in rows]


def _adapt_url(cycle, unit, slug="sales", index=0):
    return reverse("wizard_adapt", args=[cycle.id, slug, index]) + f"?unit={unit.id}"


def _post_data(title="Win more mid-sized customers", parent="", rows=(), reason=""):
    data = {
        "title": title,
        "why": "They stay longer.",
        "commitment": "committed",
        "parent": parent,
        "standalone_reason": reason,
        "kr-TOTAL_FORMS": "5",
        "kr-INITIAL_FORMS": "0",
        "kr-MIN_NUM_FORMS": "0",
        "kr-MAX_NUM_FORMS": "5",
    }
    for i in range(5):
        row = rows[i] if i < len(rows) else {}
        data[f"kr-{i}-title"] = row.get("title", "")
        data[f"kr-{i}-kind"] = row.get("kind", "metric")
        data[f"kr-{i}-start"] = row.get("start", "")
        data[f"kr-{i}-target"] = row.get("target", "")
        data[f"kr-{i}-unit"] = row.get("unit", "")
        data[f"kr-{i}-direction"] = row.get("direction", "")
    return data


# Service ---------------------------------------------------------------------------------


def test_service_creates_a_draft_with_its_key_results(member, cycle, team, company_objective):
    objective = wizard_draft_create(
        actor=member,
        cycle=cycle,
        unit=team,
        title="Win more mid-sized customers",
        why="They stay longer.",
        commitment="aspirational",
        parent=company_objective,
        standalone_reason="",
        key_results=_rows(
            {"title": "Raise the win rate from 18% to 28%", "start": 18, "target": 28},
            {"title": "", "start": None, "target": None, "unit": ""},  # blank: ignored
            {"title": "Cut the sales cycle from 62 to 45 days", "start": 62, "target": 45},
        ),
    )
    objective.refresh_from_db()
    assert objective.state == Objective.State.DRAFT
    assert (objective.unit, objective.cycle, objective.parent) == (team, cycle, company_objective)
    assert objective.commitment == "aspirational"
    assert objective.owner == member
    titles = list(objective.key_results.order_by("position").values_list("title", flat=True))
    assert titles == [
        "Raise the win rate from 18% to 28%",
        "Cut the sales cycle from 62 to 45 days",
    ]


def test_a_bad_key_result_row_saves_nothing_and_names_the_row(member, cycle, team):
    with pytest.raises(ValidationError) as caught:
        wizard_draft_create(
            actor=member,
            cycle=cycle,
            unit=team,
            title="Win more mid-sized customers",
            parent=None,
            standalone_reason="",
            key_results=_rows(
                {"title": "Raise the win rate from 18% to 28%", "start": 18, "target": 28},
                {"title": "Keep churn where it is", "start": 3, "target": 3},
            ),
        )
    assert "key_results-1-target" in caught.value.message_dict
    assert "Key result 2" in caught.value.message_dict["key_results-1-target"][0]
    assert not Objective.objects.filter(title="Win more mid-sized customers").exists()
    assert not KeyResult.objects.filter(title__startswith="Raise the win rate").exists()


def test_a_threshold_row_keeps_its_direction(member, cycle, team):
    objective = wizard_draft_create(
        actor=member,
        cycle=cycle,
        unit=team,
        title="Keep the product fast",
        parent=None,
        standalone_reason="",
        key_results=[
            {
                "title": "Keep page load at or below 2 seconds",
                "kind": "threshold",
                "start": 3,
                "target": 2,
                "unit": "s",
                "direction": "at_most",
            }
        ],
    )
    assert objective.key_results.get().direction == "at_most"


def test_viewer_cannot_create_a_draft(viewer, cycle, team):
    with pytest.raises(PermissionDenied):
        wizard_draft_create(
            actor=viewer,
            cycle=cycle,
            unit=team,
            title="Not allowed",
            parent=None,
            standalone_reason="",
            key_results=[],
        )
    assert not Objective.objects.filter(title="Not allowed").exists()


def test_a_parent_of_another_organization_is_refused(member, cycle, team, outsider):
    other_cycle = f.make_cycle(outsider, name="Their quarter")
    foreign = f.make_objective(
        outsider, other_cycle, company_unit(outsider.organization), title="Their objective"
    )
    with pytest.raises(ValidationError) as caught:
        wizard_draft_create(
            actor=member,
            cycle=cycle,
            unit=team,
            title="Aligned abroad",
            parent=foreign,
            standalone_reason="",
            key_results=[],
        )
    assert "parent" in caught.value.message_dict
    assert not Objective.objects.filter(title="Aligned abroad").exists()


# Pages -----------------------------------------------------------------------------------


def test_pages_render_for_a_member(member_client, cycle, team):
    pages = [
        reverse("wizard", args=[cycle.id]),
        reverse("wizard_function", args=[cycle.id, "sales"]) + f"?unit={team.id}",
        _adapt_url(cycle, team),
    ]
    for url in pages:
        response = member_client.get(url)
        assert response.status_code == 200, url
    html = member_client.get(pages[0]).content.decode()
    for function in examples.FUNCTIONS:
        assert function.name in html
    html = member_client.get(pages[1]).content.decode()
    for example in SALES.objectives:
        assert example.title in html
        assert example.key_results[0].title in html
    assert html.count(">Adapt this</a>") == 3
    html = member_client.get(pages[2]).content.decode()
    assert SALES.objectives[0].title in html
    assert SALES.objectives[0].key_results[0].title in html
    assert 'name="kr-4-title"' in html  # five rows: the example's three and two blank ones


def test_choosing_a_function_keeps_the_unit(member_client, cycle, team):
    response = member_client.get(
        reverse("wizard", args=[cycle.id]), {"unit": team.id, "function": "marketing"}
    )
    assert response.status_code == 302
    assert response.url == (
        reverse("wizard_function", args=[cycle.id, "marketing"]) + f"?unit={team.id}"
    )


def test_the_default_unit_is_the_persons_team(member_client, cycle, team):
    html = member_client.get(reverse("wizard_function", args=[cycle.id, "sales"])).content
    assert f"?unit={team.id}" in html.decode()


def test_login_required(client, cycle):
    response = client.get(reverse("wizard", args=[cycle.id]))
    assert response.status_code == 302
    assert "login" in response.url


def test_unknown_function_and_example_are_404(member_client, cycle, team):
    assert member_client.get(reverse("wizard_function", args=[cycle.id, "nope"])).status_code == 404
    assert member_client.get(_adapt_url(cycle, team, "nope")).status_code == 404
    assert member_client.get(_adapt_url(cycle, team, "sales", 3)).status_code == 404
    response = member_client.get(reverse("wizard", args=[cycle.id]), {"function": "nope"})
    assert response.status_code == 404


def test_foreign_cycle_or_unit_is_404(member_client, cycle, team, outsider):
    other_cycle = f.make_cycle(outsider, name="Their quarter")
    other_unit = f.make_unit(outsider.organization, "Their team")
    assert member_client.get(reverse("wizard", args=[other_cycle.id])).status_code == 404
    assert member_client.get(_adapt_url(other_cycle, team)).status_code == 404
    for url in (
        reverse("wizard", args=[cycle.id]),
        reverse("wizard_function", args=[cycle.id, "sales"]),
    ):
        assert member_client.get(url, {"unit": other_unit.id}).status_code == 404
    assert member_client.get(_adapt_url(cycle, other_unit)).status_code == 404


def test_viewer_reads_the_library_without_adapt_buttons(client, viewer, cycle, team):
    client.force_login(viewer)
    response = client.get(reverse("wizard_function", args=[cycle.id, "sales"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert SALES.objectives[0].title in html
    assert "Adapt this" not in html
    assert client.get(_adapt_url(cycle, team)).status_code == 403
    response = client.post(
        _adapt_url(cycle, team),
        _post_data(
            rows=[{"title": "Raise the win rate from 18% to 28%", "start": 18, "target": 28}]
        ),
    )
    assert response.status_code == 403
    assert not Objective.objects.exists()


def test_a_unit_the_person_cannot_edit_is_403(member_client, org, cycle):
    elsewhere = f.make_unit(org, "Finance team")
    assert member_client.get(_adapt_url(cycle, elsewhere)).status_code == 403


def test_submitting_creates_the_draft_and_goes_to_it(member_client, cycle, team, company_objective):
    data = _post_data(
        parent=str(company_objective.id),
        rows=[
            {
                "title": "Raise the win rate from 18% to 28%",
                "start": "18",
                "target": "28",
                "unit": "%",
            },
            {
                "title": "Lift the average deal from $14k to $20k",
                "start": "14000",
                "target": "20000",
                "unit": "$",
            },
        ],
    )
    response = member_client.post(_adapt_url(cycle, team), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    objective = Objective.objects.get(title="Win more mid-sized customers")
    assert response.url == reverse("objective_detail", args=[objective.id])
    assert objective.parent == company_objective
    assert objective.unit == team and objective.state == Objective.State.DRAFT
    assert objective.key_results.count() == 2


def test_a_bad_row_rerenders_with_the_error_at_that_row(member_client, cycle, team):
    data = _post_data(
        rows=[
            {"title": "Raise the win rate from 18% to 28%", "start": "18", "target": "28"},
            {"title": "Hold churn still", "start": "3", "target": "3", "unit": "%"},
        ]
    )
    response = member_client.post(_adapt_url(cycle, team), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "differ from the start" in html
    # The message sits in the second row, after its legend.
    assert html.index("differ from the start") > html.index("<legend>Key result 2</legend>")
    assert html.index("differ from the start") < html.index("<legend>Key result 3</legend>")
    assert not Objective.objects.exists()


def test_a_row_with_numbers_but_no_title_is_refused(member_client, cycle, team):
    data = _post_data(rows=[{"title": "", "start": "18", "target": "28"}])
    response = member_client.post(_adapt_url(cycle, team), data)
    assert response.status_code == 422
    assert "Give this key result a title" in response.content.decode()
    assert not Objective.objects.exists()


def test_parent_choices_are_this_organizations_higher_objectives(
    member_client, member, cycle, team, company_objective, outsider
):
    other_cycle = f.make_cycle(outsider, name="Their quarter")
    f.make_objective(
        outsider, other_cycle, company_unit(outsider.organization), title="Their secret goal"
    )
    f.make_objective(member, cycle, team, title="A sibling team objective")
    html = member_client.get(_adapt_url(cycle, team)).content.decode()
    assert "Grow into new markets" in html
    assert "Their secret goal" not in html
    assert "A sibling team objective" not in html
    # A foreign parent id posted anyway is refused by the form.
    foreign = Objective.objects.get(title="Their secret goal")
    response = member_client.post(_adapt_url(cycle, team), _post_data(parent=str(foreign.id)))
    assert response.status_code == 422
    assert not Objective.objects.filter(title="Win more mid-sized customers").exists()


def test_the_live_coach_is_wired_to_every_title(member_client, cycle, team):
    html = member_client.get(_adapt_url(cycle, team)).content.decode()
    assert html.count('hx-post="/coach/check/"') == 6  # the objective and five key results
    assert '"subject": "key_result"' in html and '"subject": "objective"' in html
    assert "js:" not in html  # plain values: the Content Security Policy allows no eval
    for i in range(5):
        assert f'id="wizard-kr-{i}-findings"' in html


def test_adapt_page_queries_do_not_grow_with_parent_choices(member_client, admin, cycle, team, org):
    company = company_unit(org)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert member_client.get(_adapt_url(cycle, team)).status_code == 200
        return len(ctx.captured_queries)

    f.make_objective(admin, cycle, company, title="Company objective 0")
    small = count()
    for i in range(1, 25):
        f.make_objective(admin, cycle, company, title=f"Company objective {i}")
    assert count() == small


def test_a_standalone_draft_keeps_its_reason(member_client, cycle, team):
    data = _post_data(
        reason="A local fix for our own tooling.",
        rows=[{"title": "Cut build time from 20 to 8 minutes", "start": "20", "target": "8"}],
    )
    response = member_client.post(_adapt_url(cycle, team), data)
    assert response.status_code == 302
    objective = Objective.objects.get(title="Win more mid-sized customers")
    assert objective.parent is None
    assert objective.standalone_reason == "A local fix for our own tooling."


def test_a_reason_is_dropped_when_a_parent_is_chosen(member, cycle, team, company_objective):
    objective = wizard_draft_create(
        actor=member,
        cycle=cycle,
        unit=team,
        title="Aligned after all",
        parent=company_objective,
        standalone_reason="Not needed",
        key_results=[],
    )
    assert objective.standalone_reason == ""


def test_the_dashboards_wizard_link_goes_where_planning_happens(member_client, admin, cycle, team):
    """While the next cycle is being planned, drafting from an example is for it; with no cycle
    in planning, the link stays on the cycle shown."""
    dashboard = reverse("dashboard") + f"?cycle={cycle.id}"
    html = member_client.get(dashboard).content.decode()
    assert (
        f'href="{reverse("wizard", args=[cycle.id])}?unit={team.id}">Start from an example<' in html
    )
    following = f.make_cycle(
        admin,
        name="Q1 2027",
        start=cycle.end.replace(year=2027, month=1, day=1),
        end=cycle.end.replace(year=2027, month=3, day=31),
    )
    html = member_client.get(dashboard).content.decode()
    wizard = reverse("wizard", args=[following.id])
    assert f'href="{wizard}?unit={team.id}">Start from an example for Q1 2027<' in html
    # On the planning cycle's own dashboard the link is its own, said plainly.
    html = member_client.get(reverse("dashboard") + f"?cycle={following.id}").content.decode()
    assert f'href="{wizard}?unit={team.id}">Start from an example<' in html
