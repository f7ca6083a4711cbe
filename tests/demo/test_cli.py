import pytest

from cadence.cli import main
from cadence.demo import content
from cadence.demo.loader import find_demo
from cadence.orgs.models import Organization, Person, Unit


def test_demo_without_serving_loads_once_and_prints_the_login(db, capsys):
    assert main(["demo", "--no-serve", "--port", "8123"]) == 0
    out = capsys.readouterr().out
    assert "loaded" in out and "already" not in out
    assert "admin@example.com" in out and content.DEMO_PASSWORD in out
    assert "http://127.0.0.1:8123/" in out
    people = Person.objects.count()

    assert main(["demo", "--no-serve"]) == 0
    assert "already loaded" in capsys.readouterr().out
    assert Person.objects.count() == people
    assert find_demo() is not None


def test_migrate_reports_an_up_to_date_database(db, capsys):
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


CREATE = ["createadmin", "--no-input", "--password", "a long enough password"]


def test_createadmin_creates_an_organization_with_its_company_and_admin(db, capsys):
    assert main([*CREATE, "--email", "Ann@Firm.test", "--organization", "Firm"]) == 0
    assert "Created organization Firm" in capsys.readouterr().out
    org = Organization.objects.get(name="Firm")
    assert Unit.objects.get(organization=org).kind == Unit.Kind.COMPANY
    admin = Person.objects.get(organization=org)
    assert admin.email == "ann@firm.test" and admin.role == Person.Role.ADMIN
    assert admin.name == "Ann"
    assert admin.check_password("a long enough password")


def test_createadmin_adds_an_admin_to_the_organization_of_that_name(db, capsys):
    main([*CREATE, "--email", "ann@firm.test", "--organization", "Firm", "--name", "Ann Lee"])
    assert main([*CREATE, "--email", "bo@firm.test", "--organization", "firm"]) == 0
    assert "Added bo@firm.test as an admin of Firm" in capsys.readouterr().out
    org = Organization.objects.get()
    assert set(org.people.values_list("role", flat=True)) == {Person.Role.ADMIN}
    assert org.people.count() == 2
    assert Unit.objects.count() == 1


@pytest.mark.parametrize(
    "argv, message",
    [
        (["createadmin", "--no-input", "--email", "a@b.test", "--organization", "X"], "password"),
        ([*CREATE, "--email", "a@b.test"], "--organization"),
        ([*CREATE, "--organization", "X"], "--email"),
        ([*CREATE, "--email", "not-an-email", "--organization", "X"], "not a valid email"),
        (
            [
                "createadmin",
                "--no-input",
                "--email",
                "a@b.test",
                "--organization",
                "X",
                "--password",
                "short",
            ],
            "too short",
        ),
    ],
)
def test_createadmin_rejects_bad_input_and_saves_nothing(db, capsys, argv, message):
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not Organization.objects.exists()


def test_createadmin_refuses_an_email_in_use(db, capsys):
    main([*CREATE, "--email", "ann@firm.test", "--organization", "Firm"])
    capsys.readouterr()
    assert main([*CREATE, "--email", "ANN@firm.test", "--organization", "Other"]) == 1
    assert "already uses this email" in capsys.readouterr().err
    assert Organization.objects.count() == 1


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_a_bad_port_is_a_clear_error(db, capsys, port):
    assert main(["serve", "--port", port]) == 1
    assert "port must be a number" in capsys.readouterr().err


def test_a_port_in_use_is_a_clear_error(db, capsys, monkeypatch):
    import socket

    monkeypatch.setenv("CADENCE_PLAIN_STATIC", "1")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 1
    assert "Cannot listen on 127.0.0.1" in capsys.readouterr().err


def test_manage_passes_any_django_command_through(db, capsys):
    assert main(["manage", "showmigrations", "orgs"]) == 0
    assert "[X] 0001_initial" in capsys.readouterr().out


def test_no_command_shows_usage(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "usage: cadence" in capsys.readouterr().err


def test_createadmin_asks_for_what_is_missing_in_a_terminal(db, capsys, monkeypatch):
    from cadence.cli import admin, base

    answers = iter(["Firm", "ann@firm.test", ""])  # organization, email, name (default)
    monkeypatch.setattr(base, "interactive", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr(admin.getpass, "getpass", lambda prompt: "a long enough password")
    assert main(["createadmin"]) == 0
    admin = Person.objects.get(email="ann@firm.test")
    assert admin.organization.name == "Firm" and admin.name == "Ann"
    assert admin.check_password("a long enough password")


def test_createadmin_stops_when_the_passwords_differ(db, capsys, monkeypatch):
    from cadence.cli import admin, base

    passwords = iter(["a long enough password", "another long password"])
    monkeypatch.setattr(base, "interactive", lambda: True)
    monkeypatch.setattr(admin.getpass, "getpass", lambda prompt: next(passwords))
    argv = ["createadmin", "--email", "ann@firm.test", "--organization", "Firm", "--name", "Ann"]
    assert main(argv) == 1
    assert "passwords differ" in capsys.readouterr().err
    assert not Organization.objects.exists()


@pytest.mark.parametrize("workers", ["0", "many"])
def test_bad_worker_counts_are_clear_errors(capsys, workers):
    assert main(["serve", "--workers", workers]) == 1
    assert "--workers must be a whole number" in capsys.readouterr().err
