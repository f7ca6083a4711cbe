"""`cadence token create` against the shared demo."""

from cadence.cli import main
from cadence.orgs.models import ApiToken, Person
from cadence.orgs.services import api_token_authenticate


def test_token_create_prints_a_working_token_as_its_last_line(demo, capsys):
    assert main(["token", "create", "admin@example.com", "--name", "CI"]) == 0
    out = capsys.readouterr().out
    secret = out.strip().splitlines()[-1]
    person = api_token_authenticate(secret)
    assert person is not None and person.email == "admin@example.com"
    assert ApiToken.objects.get(person=person).name == "CI"
    assert secret not in ApiToken.objects.values_list("token_hash", flat=True)


def test_token_create_matches_the_email_case_insensitively(demo, capsys):
    assert main(["token", "create", "ADMIN@Example.com"]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert api_token_authenticate(secret).email == "admin@example.com"


def test_token_create_for_an_unknown_email_fails_clearly(demo, capsys):
    assert main(["token", "create", "nobody@example.com"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "nobody@example.com" in captured.err and "Traceback" not in captured.err
    assert not ApiToken.objects.exists()


def test_token_create_refuses_a_deactivated_person(demo, capsys):
    Person.objects.filter(email="lena.okafor@example.com").update(is_active=False)
    assert main(["token", "create", "lena.okafor@example.com"]) == 1
    assert not ApiToken.objects.exists()
