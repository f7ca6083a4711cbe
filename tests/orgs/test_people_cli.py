"""`cadence people list|invite|deactivate` and `cadence token list|revoke`: errors are one line
and exit 1; changes are recorded as made by the command line."""

import pytest

from cadence.accounts.models import Invitation
from cadence.audit.models import Event
from cadence.cli import main
from cadence.mail.models import Delivery
from cadence.orgs import services as org_services
from cadence.orgs.models import ApiToken
from tests import factories as f


def _fails(capsys, argv, words):
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    line = captured.err.strip()
    assert "\n" not in line and line.startswith("cadence: ") and words in line, line


def test_people_list_shows_active_people_and_with_all_the_rest(capsys, admin, member, team):
    org_services.api_token_create(person=member)
    assert main(["people", "invite", "new@example.test", "--team", "product"]) == 0
    capsys.readouterr()
    f.make_person(admin.organization, name="Leo Leaver")
    main(["people", "deactivate", admin.organization.people.get(name="Leo Leaver").email])
    capsys.readouterr()

    assert main(["people", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{member.email}\tMia Member\tmember\tProduct" in out
    assert "Leo Leaver" not in out and "new@example.test" not in out
    assert main(["people", "list", "--all", "--organization", admin.organization.name]) == 0
    out = capsys.readouterr().out
    assert "Leo Leaver" in out and "(deactivated)" in out
    assert "new@example.test" in out and "(open invitation)" in out


def test_people_invite_queues_the_email_and_names_the_command_line(capsys, admin, team):
    argv = ["people", "invite", "New@Example.test", "--name", "Nia", "--role", "viewer"]
    assert main([*argv, "--team", "Product"]) == 0
    assert "Invited new@example.test" in capsys.readouterr().out
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.invited_by, list(invitation.units.all())) == (
        "viewer",
        None,
        [team],
    )
    assert Delivery.objects.filter(kind="invitation").count() == 1
    event = Event.objects.get(kind="person.invited")
    assert (event.actor, event.actor_label) == (None, "command line")


def test_people_errors_are_one_line(capsys, admin, member):
    _fails(capsys, ["people", "invite", member.email], "already in")
    _fails(capsys, ["people", "invite", "x@example.test", "--team", "Nope"], "No team")
    _fails(capsys, ["people", "invite", "not-an-address"], "not a valid email address")
    _fails(capsys, ["people", "deactivate", "nobody@example.test"], "Nobody in")
    _fails(capsys, ["people", "deactivate", admin.email], "last active admin")
    _fails(capsys, ["people", "list", "--organization", "Nope"], "No organization")
    f.make_org("Second")
    _fails(capsys, ["people", "list"], "several organizations")
    assert not Invitation.objects.exists()


def test_people_deactivate(capsys, admin, member):
    org_services.api_token_create(person=member)
    assert main(["people", "deactivate", member.email.upper()]) == 0
    assert "Deactivated Mia Member" in capsys.readouterr().out
    member.refresh_from_db()
    assert not member.is_active and not ApiToken.objects.filter(person=member).exists()
    _fails(capsys, ["people", "deactivate", member.email], "already deactivated")


def test_token_list_and_revoke(capsys, admin, member):
    token, _secret = org_services.api_token_create(person=member, name="CI")
    org_services.api_token_create(person=admin, name="Laptop")
    assert main(["token", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{token.prefix}…\tCI\t{member.email}" in out and "Laptop" in out
    assert main(["token", "list", "--email", member.email]) == 0
    assert "Laptop" not in capsys.readouterr().out

    assert main(["token", "revoke", f"{token.prefix}…"]) == 0
    assert "Revoked the token" in capsys.readouterr().out
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    event = Event.objects.get(kind="token.revoked")
    assert (event.actor_label, event.target_id) == ("command line", str(token.pk))
    _fails(capsys, ["token", "revoke", token.prefix], "No API token")
    _fails(capsys, ["token", "revoke", "not-a-token"], "No API token")
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("argv", [["people"], ["people", "invite"], ["token", "revoke"]])
def test_missing_arguments_are_usage_errors(argv, capsys, db):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
