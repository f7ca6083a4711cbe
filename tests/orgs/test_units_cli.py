"""`cadence units list` and `cadence units create`."""

import pytest

from cadence.audit.models import Event
from cadence.cli import main
from cadence.orgs.models import Unit
from cadence.orgs.selectors import company_unit
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_create_a_department_and_a_team_then_list_the_tree(org, capsys):
    company = company_unit(org)
    assert main(["units", "create", "Sales", "--kind", "department"]) == 0
    assert main(["units", "create", "EMEA", "--parent", "sales"]) == 0
    out = capsys.readouterr().out
    sales = Unit.objects.get(name="Sales")
    emea = Unit.objects.get(name="EMEA")
    assert (sales.parent, sales.kind, emea.parent, emea.kind) == (
        company,
        "department",
        sales,
        "team",
    )
    assert f"Created the team EMEA in Sales.  {emea.id}" in out
    event = Event.objects.get(kind="unit.created", target_id=str(emea.pk))
    assert (event.actor, event.actor_label) == (None, "command line")

    f.make_unit(org, "Old")
    Unit.objects.filter(name="Old").update(archived_at=company.created_at)
    assert main(["units", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        f"{company.name} (company)  {company.id}",
        f"  Old (team, archived)  {Unit.objects.get(name='Old').id}",
        f"  Sales (department)  {sales.id}",
        f"    EMEA (team)  {emea.id}",
    ]


@pytest.mark.parametrize(
    "argv,message",
    [
        (["units", "create", "  "], "cadence: name: Give the unit a name.\n"),
        (["units", "create", "X", "--parent", "Nowhere"], "has no unit called 'Nowhere'."),
        (["units", "create", "X", "--parent", "Product"], "teams cannot contain other units."),
        (["units", "create", "X", "--organization", "Nope"], "No organization is called 'Nope'."),
    ],
)
def test_errors_are_one_line_and_exit_1(org, team, capsys, argv, message):
    before = Unit.objects.count()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.endswith(message.rstrip("\n") + "\n")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert Unit.objects.count() == before


def test_several_organizations_need_organization(org, outsider, capsys):
    assert main(["units", "list"]) == 1
    assert "choose one with --organization" in capsys.readouterr().err
    assert main(["units", "create", "Ops", "--organization", outsider.organization.name]) == 0
    assert Unit.objects.get(name="Ops").organization == outsider.organization
