"""Create and edit forms: bad input gets a message at its field and saves nothing."""

import re

import pytest
from django.urls import reverse

from cadence.okrs.models import KeyResult, Objective


def field_error(html: str, field: str) -> str:
    """The text of the error list Django renders for one field (id="id_<field>_error")."""
    match = re.search(rf'<ul class="errorlist" id="id_{field}_error">(.*?)</ul>', html, re.S)
    assert match, f"no error at {field!r}"
    return re.sub(r"<[^>]+>", " ", match.group(1)).strip()


def kr_data(**overrides):
    data = {
        "title": "Completion rate",
        "kind": "metric",
        "start": "13",
        "target": "45",
        "unit": "%",
        "direction": "",
        "weight": "1",
        "owner": "",
        "commitment": "",
    }
    data.update(overrides)
    return data


def objective_data(cycle, unit, **overrides):
    data = {
        "title": "Make onboarding delightful",
        "why": "",
        "cycle": str(cycle.id),
        "unit": str(unit.id),
        "parent": "",
        "commitment": "committed",
        "owner": "",
        "state": "draft",
    }
    data.update(overrides)
    return data


# Objectives ---------------------------------------------------------------------------------


def test_create_objective_then_add_key_results(member_client, cycle, team, company_objective):
    url = reverse("objective_create") + f"?unit={team.id}&cycle={cycle.id}"
    form = member_client.get(url).content.decode()
    for name in ("title", "why", "cycle", "unit", "parent", "owner"):
        assert f'for="id_{name}"' in form, name  # every field is labelled
    assert 'id="id_state"' not in form  # a member starts a draft: "Start as" is for admins
    response = member_client.post(
        url, objective_data(cycle, team, parent=str(company_objective.id))
    )
    assert response.status_code == 302
    objective = Objective.objects.get(title="Make onboarding delightful")
    assert objective.parent == company_objective
    assert response["Location"] == reverse("key_result_create", args=[objective.id])


def test_objective_title_over_200_characters(member_client, cycle, team):
    url = reverse("objective_create") + f"?unit={team.id}&cycle={cycle.id}"
    response = member_client.post(url, objective_data(cycle, team, title="x" * 201))
    assert response.status_code == 422
    assert "at most 200 characters" in field_error(response.content.decode(), "title")
    assert not Objective.objects.filter(unit=team).exists()


def test_objective_title_required(member_client, cycle, team):
    url = reverse("objective_create") + f"?unit={team.id}&cycle={cycle.id}"
    response = member_client.post(url, objective_data(cycle, team, title=""))
    assert response.status_code == 422
    html = response.content.decode()
    assert "This field is required." in field_error(html, "title")
    assert 'aria-invalid="true"' in html


def test_objective_in_a_unit_i_cannot_edit_is_not_offered(member_client, org, cycle, team):
    from tests import factories as f

    other = f.make_unit(org, "Finance")
    url = reverse("objective_create") + f"?cycle={cycle.id}"
    html = member_client.get(url).content.decode()
    assert f'value="{team.id}"' in html and f'value="{other.id}"' not in html
    response = member_client.post(url, objective_data(cycle, other))
    assert response.status_code == 422
    assert "valid choice" in field_error(response.content.decode(), "unit")


def test_service_errors_land_at_the_field(member_client, admin, cycle, team):
    """Rules across fields live in the service; its message shows at the field it names."""
    from datetime import date

    from tests import factories as f

    year = f.make_cycle(
        admin, name="2026", kind="year", start=date(2026, 1, 1), end=date(2026, 12, 31)
    )
    url = reverse("objective_create") + f"?unit={team.id}&cycle={year.id}"
    response = member_client.post(url, objective_data(year, team))
    assert response.status_code == 422
    assert "company level only" in field_error(response.content.decode(), "cycle")
    assert not Objective.objects.filter(unit=team).exists()


def test_an_abandoned_parent_is_not_offered(member_client, admin, cycle, team):
    from cadence.okrs import services
    from tests import factories as f

    parent = f.make_objective(admin, cycle, team, title="Soon abandoned")
    url = reverse("objective_create") + f"?unit={team.id}&cycle={cycle.id}"
    assert f'value="{parent.id}"' in member_client.get(url).content.decode()
    services.objective_set_state(actor=admin, objective=parent, state="abandoned", reason="Moot")
    assert f'value="{parent.id}"' not in member_client.get(url).content.decode()
    response = member_client.post(url, objective_data(cycle, team, parent=str(parent.id)))
    assert response.status_code == 422
    assert "valid choice" in field_error(response.content.decode(), "parent")


def test_edit_objective(member_client, objective):
    url = reverse("objective_edit", args=[objective.id])
    html = member_client.get(url).content.decode()
    assert 'value="Onboarding people finish"' in html
    data = {
        "title": "Onboarding people love",
        "why": "Because",
        "commitment": "aspirational",
        "unit": str(objective.unit_id),
        "parent": str(objective.parent_id),
        "owner": "",
    }
    response = member_client.post(url, data)
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.title, objective.commitment) == ("Onboarding people love", "aspirational")
    response = member_client.post(url, {**data, "title": "ab"})
    assert response.status_code == 422
    assert "at least 3 characters" in field_error(response.content.decode(), "title")
    objective.refresh_from_db()
    assert objective.title == "Onboarding people love"


# Key results --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start": "10", "target": "10"}, "target", "must differ from the start"),
        ({"start": "ten"}, "start", "Enter a number"),
        ({"target": "12abc"}, "target", "Enter a number"),
        ({"start": "NaN"}, "start", "finite number"),
        ({"target": "inf"}, "target", "finite number"),
        ({"target": "-Infinity"}, "target", "finite number"),
        ({"target": "1e400"}, "target", "finite number"),
        ({"target": "1e20"}, "target", "10^15"),
        ({"weight": "-1"}, "weight", "greater than 0"),
        ({"weight": "0"}, "weight", "greater than 0"),
        ({"weight": "nan"}, "weight", "finite number"),
        ({"title": "t" * 201}, "title", "at most 200 characters"),
        ({"title": ""}, "title", "required"),
        ({"target": ""}, "target", "needs a target"),
        ({"kind": "threshold", "target": ""}, "target", "bound"),
        ({"kind": "rocket"}, "kind", "valid choice"),
    ],
)
def test_key_result_bad_input(member_client, objective, overrides, field, message):
    url = reverse("key_result_create", args=[objective.id])
    response = member_client.post(url, kr_data(**overrides))
    assert response.status_code == 422
    assert message in field_error(response.content.decode(), field)
    assert not KeyResult.objects.filter(objective=objective).exists()


def test_add_key_results_one_after_another(member_client, objective):
    url = reverse("key_result_create", args=[objective.id])
    response = member_client.post(url, {**kr_data(), "then": "another"})
    assert response["Location"] == url
    response = member_client.post(
        url,
        kr_data(
            title="NPS stays high",
            kind="threshold",
            start="",
            target="50",
            direction="at_least",
            unit="",
        ),
    )
    assert response.status_code == 302
    kinds = list(objective.key_results.values_list("kind", "direction"))
    assert kinds == [("metric", ""), ("threshold", "at_least")]


def test_milestone_needs_no_numbers(member_client, objective):
    url = reverse("key_result_create", args=[objective.id])
    response = member_client.post(
        url, kr_data(title="Setup checklist live", kind="milestone", start="", target="")
    )
    assert response.status_code == 302
    kr = objective.key_results.get()
    assert (kr.start, kr.target) == (0, 1)


def test_edit_key_result(member_client, kr):
    url = reverse("key_result_edit", args=[kr.id])
    html = member_client.get(url).content.decode()
    assert 'value="Onboarding completion"' in html and 'value="45"' in html
    response = member_client.post(url, kr_data(title="Completion", start="13", target="50"))
    assert response.status_code == 302
    kr.refresh_from_db()
    assert (kr.title, kr.target) == ("Completion", 50)
    response = member_client.post(url, kr_data(start="50", target="50"))
    assert response.status_code == 422
    assert "must differ" in field_error(response.content.decode(), "target")
    response = member_client.post(url, kr_data(weight="-2"))
    assert response.status_code == 422
    assert "greater than 0" in field_error(response.content.decode(), "weight")
    kr.refresh_from_db()
    assert (kr.start, kr.target, kr.weight) == (13, 50, 1)


def test_kr_form_fields_are_labelled(member_client, objective):
    html = member_client.get(reverse("key_result_create", args=[objective.id])).content.decode()
    for name in ("title", "start", "target", "unit", "direction", "weight", "owner", "commitment"):
        assert f'<label for="id_{name}">' in html, name
    assert "<legend>Kind" in html  # radio group in a fieldset


def test_aligning_under_an_annual_objective_defaults_to_the_running_quarter(
    member_client, admin, company
):
    from datetime import timedelta

    from django.utils import timezone

    from tests import factories as f

    today = timezone.localdate()
    year = f.make_cycle(
        admin,
        name="This year",
        kind="year",
        start=today - timedelta(days=100),
        end=today + timedelta(days=200),
    )
    quarter = f.make_cycle(
        admin,
        name="This quarter",
        start=today - timedelta(days=10),
        end=today + timedelta(days=60),
    )
    annual = f.make_objective(admin, year, company, title="Annual company goal")
    html = member_client.get(reverse("objective_create") + f"?parent={annual.id}").content.decode()
    assert f'<option value="{quarter.id}" selected>' in html
    assert f'<option value="{annual.id}" selected>' in html
