"""`cadence sso show` and `cadence sso set`: the operator sets single sign-on without a browser,
with the page's rules; the secret comes from a file, standard input or SSO_CLIENT_SECRET, never
from the command line, and is never printed."""

import io

import pytest

from cadence.accounts.models import SingleSignOn
from cadence.accounts.sso import domains_of
from cadence.audit.models import Event
from cadence.cli import main

pytestmark = pytest.mark.django_db

ISSUER = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _private_outbound(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = True


def test_set_then_change_one_option_and_show(org, tmp_path, capsys, monkeypatch):
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-a-file\n")
    assert main(["sso", "show"]) == 0
    assert capsys.readouterr().out == f"{org.name} has no single sign-on.\n"
    assert (
        main(
            [
                "sso",
                "set",
                "--name",
                "Acme ID",
                "--issuer",
                ISSUER + "/",
                "--client-id",
                "cadence",
                "--client-secret-file",
                str(secret),
                "--domains",
                "acme.test, @Acme.example",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == f"Single sign-on with Acme ID is on for {org.name}.\n"
    sso = SingleSignOn.objects.get(organization=org)
    assert (sso.issuer, sso.client_id, sso.client_secret, sso.enabled, sso.require_sso) == (
        ISSUER,
        "cadence",
        "s3cret-from-a-file",
        True,
        False,
    )
    assert domains_of(sso) == ["acme.example", "acme.test"]
    event = Event.objects.get(kind="sso.settings_changed")
    assert (event.actor, event.actor_label) == (None, "command line")
    assert "s3cret" not in str(event.changes)

    # Options left out keep their values; the secret from the environment replaces the saved one.
    monkeypatch.setenv("SSO_CLIENT_SECRET", "from-the-environment")
    assert main(["sso", "set", "--require"]) == 0
    assert "is on, required for" in capsys.readouterr().out
    sso.refresh_from_db()
    assert (sso.name, sso.client_id, sso.require_sso, sso.client_secret) == (
        "Acme ID",
        "cadence",
        True,
        "from-the-environment",
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("from-standard-input\n"))
    assert main(["sso", "set", "--client-secret-file", "-", "--no-require"]) == 0
    sso.refresh_from_db()
    assert (sso.client_secret, sso.require_sso) == ("from-standard-input", False)

    assert main(["sso", "show"]) == 0
    shown = capsys.readouterr().out
    assert "issuer:      http://127.0.0.1:9" in shown and "secret:      set" in shown
    assert "from-standard-input" not in shown


def test_refusals_are_one_line_and_save_nothing(org, capsys, tmp_path):
    assert main(["sso", "set", "--name", "Acme", "--issuer", ISSUER, "--client-id", "x"]) == 1
    err = capsys.readouterr().err
    assert "client_secret: Enter the client secret the provider gave you." in err
    assert "domains: Name at least one email domain" in err
    assert len(err.strip().splitlines()) == 1
    missing = tmp_path / "nothing-here"
    assert main(["sso", "set", "--client-secret-file", str(missing)]) == 1
    assert "Cannot read the client secret" in capsys.readouterr().err
    assert not SingleSignOn.objects.exists()
    assert not Event.objects.filter(kind="sso.settings_changed").exists()
