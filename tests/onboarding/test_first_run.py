"""First run: an empty install leads to /setup/, guarded by the one-time code the console shows;
then the setup checklist on the admin's dashboard."""

import pytest
from django.urls import reverse

from cadence.audit.models import Event
from cadence.cli import main
from cadence.onboarding import services
from cadence.onboarding.models import SetupCode
from cadence.onboarding.selectors import setup_checklist
from cadence.orgs.models import Organization, Person, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough pass phrase"


def _form(code: str, **changes) -> dict:
    return {
        "code": code,
        "organization_name": "Northwind",
        "name": "Nadia Admin",
        "email": "nadia@northwind.test",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **changes,
    }


def test_an_empty_install_leads_every_page_to_setup(client):
    for path in ["/", reverse("cycles"), reverse("settings"), reverse("login")]:
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0] == reverse("setup"), path
        assert "Setup code" in response.content.decode()
    assert client.get("/api/v1/me").status_code == 401


def test_setup_needs_the_code_and_creates_the_organization_and_its_admin(client):
    code = services.setup_code_issue()
    assert len(code) == 14 and code.count("-") == 2
    wrong = client.post(reverse("setup"), _form("ABCD-EFGH-JKMN"))
    assert wrong.status_code == 422 and "not the setup code" in wrong.content.decode()
    weak = client.post(
        reverse("setup"), _form(code, password="password", password_again="password")
    )
    assert weak.status_code == 422 and "too common" in weak.content.decode()
    differ = client.post(reverse("setup"), _form(code, password_again="another long phrase"))
    assert differ.status_code == 422 and "differ" in differ.content.decode()
    assert not Organization.objects.exists()

    # Typed in lower case with spaces, it is the same code.
    response = client.post(reverse("setup"), _form(code.lower().replace("-", " ")))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    organization = Organization.objects.get()
    admin = Person.objects.get()
    assert (organization.name, admin.email, admin.role) == (
        "Northwind",
        "nadia@northwind.test",
        Person.Role.ADMIN,
    )
    assert Unit.objects.get().kind == Unit.Kind.COMPANY
    assert Event.objects.get(kind="organization.created").actor == admin
    # Signed in, on the dashboard with the checklist.
    page = client.get(reverse("dashboard")).content.decode()
    assert "Set up your organization" in page and "0 of 4 done" in page

    # Spent: the page now leads to sign-in, and the code creates nothing more.
    assert client.get(reverse("setup"))["Location"] == reverse("login")
    with pytest.raises(services.PermissionDenied):
        services.setup_complete(
            code=code, organization_name="X", name="X", email="x@x.test", password=PASSWORD
        )
    assert services.setup_code_issue() is None
    assert Organization.objects.count() == 1


def test_a_new_code_replaces_the_old_one(client):
    first = services.setup_code_issue()
    second = services.setup_code_issue()
    assert first != second and SetupCode.objects.count() == 1
    assert client.post(reverse("setup"), _form(first)).status_code == 422
    assert client.post(reverse("setup"), _form(second)).status_code == 302


def test_the_cli_prints_a_code_only_before_setup(capsys):
    assert main(["setupcode"]) == 0
    code = capsys.readouterr().out.strip().splitlines()[-1]
    assert services.setup_complete(
        code=code, organization_name="Acme", name="Ann", email="ann@acme.test", password=PASSWORD
    )
    assert main(["setupcode"]) == 1
    assert "set up already" in capsys.readouterr().err


def test_the_checklist_follows_the_data_and_the_admins_choices(client):
    org, admin = f.make_org()
    client.force_login(admin)

    def page() -> str:
        return client.get(reverse("dashboard")).content.decode()

    assert "0 of 4 done" in page()
    team = f.make_unit(org, "Platform")
    f.make_person(org)
    assert "2 of 4 done" in page()
    assert "Friday 17:00 (UTC)" in page()
    member = f.make_person(org)
    client.force_login(member)
    assert "Set up your organization" not in page()
    assert client.post(reverse("setup_confirm_deadline")).status_code == 403
    assert client.post(reverse("setup_dismiss")).status_code == 403
    client.force_login(admin)
    client.post(reverse("setup_confirm_deadline"))
    assert "3 of 4 done" in page()
    cycle = f.make_cycle(admin)
    f.make_objective(admin, cycle, org.units.get(kind=Unit.Kind.COMPANY))
    assert "Set up your organization" not in page()  # every step done
    assert team  # a team made the first step

    # Dismissed: gone for good.
    other, other_admin = f.make_org("Other")
    client.force_login(other_admin)
    assert "Set up your organization" in page()
    client.post(reverse("setup_dismiss"))
    assert "Set up your organization" not in page()


def test_the_checklist_read_with_the_dashboards_figures_is_the_one_read_alone(client):
    """With objectives in the cycle, the dashboard reads the checklist's figures in its figures'
    query (``onboarding.selectors.checklist_flags``); each step shows as when read alone."""
    org, admin = f.make_org()
    cycle = f.make_cycle(admin)
    team = f.make_unit(org, "Platform")
    f.join(team, admin, role="lead")
    f.make_objective(admin, cycle, team, title="A team objective for the figures' query")
    client.force_login(admin)

    def shown() -> list[str]:
        html = client.get(reverse("dashboard")).content.decode()
        alone = setup_checklist(Person.objects.get(pk=admin.pk))
        if alone is None:
            assert "Set up your organization" not in html
            return []
        assert f"{alone.done_count} of 4 done" in html
        return [step.key for step in alone.steps if step.done]

    assert shown() == ["units"]
    f.make_person(org, name="Olu Other")
    assert shown() == ["units", "people"]
    client.post(reverse("setup_confirm_deadline"))
    assert shown() == ["units", "people", "deadline"]
    f.make_objective(admin, cycle, org.units.get(kind=Unit.Kind.COMPANY))
    assert shown() == []
