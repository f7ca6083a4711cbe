"""``cadence mail-in`` as a mail server runs it: a real process, one message on standard input.
Exit 0 when the message was added or ignored (the reason on standard error), so the mail
server neither bounces nor retries it; the same message piped twice adds its items once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installs import sqlite_copy
from tests.mailin.conftest import MESSAGES, REPLY_ADDRESS
from tests.secret_key import TEST_SECRET_KEY

# real_clock: the command runs in its own process, on the wall clock.
pytestmark = [pytest.mark.real_clock, pytest.mark.own_sqlite]

ROOT = Path(__file__).resolve().parents[2]


def _run(args, env, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, input=stdin, capture_output=True, timeout=180
    )


def _count_items(env) -> int:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'cadence.settings');"
        "django.setup(); from cadence.weekly.models import Item; print(Item.objects.count())"
    )
    return int(_run(["-c", code], env).stdout)


def test_mail_in_reads_one_message_from_standard_input(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": sqlite_copy("migrated", tmp_path / "mailin.sqlite3"),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or TEST_SECRET_KEY,
        "CADENCE_REPLY_ADDRESS": REPLY_ADDRESS,
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    setup = _run(["-m", "tests.mailin.cli_setup"], env)
    assert setup.returncode == 0, setup.stderr.decode()
    token = setup.stdout.decode().strip().splitlines()[-1]
    raw = (MESSAGES / "gmail.eml").read_bytes().replace(b"{{token}}", token.encode())

    done = _run(["-m", "cadence.cli", "mail-in"], env, raw)
    assert done.returncode == 0, done.stderr.decode()
    assert "Added 5 items." in done.stderr.decode()
    assert _count_items(env) == 5

    again = _run(["-m", "cadence.cli", "mail-in"], env, raw)  # the MTA delivers it again
    assert again.returncode == 0 and "Already processed" in again.stderr.decode()

    forged = raw.replace(token.encode(), b"a" * 48)
    ignored = _run(["-m", "cadence.cli", "mail-in"], env, forged)
    assert ignored.returncode == 0
    assert (
        "Nothing added: the reply address is not one this site signed." in ignored.stderr.decode()
    )

    # The envelope recipient (Postfix's ${original_recipient}) when the headers do not name it.
    address = f"updates+{token}@replies.acme.example"
    other = (
        (MESSAGES / "apple_mail.eml")
        .read_bytes()
        .replace(b"updates+{{token}}@replies.acme.example", b"team@acme.example")
    )
    ignored = _run(["-m", "cadence.cli", "mail-in"], env, other)
    assert ignored.returncode == 0 and "not sent to a reply address" in ignored.stderr.decode()
    taken = _run(["-m", "cadence.cli", "mail-in", "--recipient", address], env, other)
    assert taken.returncode == 0 and "Added 2 items." in taken.stderr.decode()
    assert _count_items(env) == 7


def test_mail_in_asks_the_mail_server_to_retry_when_the_database_fails(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'missing-dir' / 'none.sqlite3'}",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or TEST_SECRET_KEY,
        "CADENCE_REPLY_ADDRESS": REPLY_ADDRESS,
    }
    raw = (MESSAGES / "gmail.eml").read_bytes().replace(b"{{token}}", b"a" * 48)
    done = _run(["-m", "cadence.cli", "mail-in"], env, raw)
    assert done.returncode == 75, done.stderr.decode()
    assert "the database" in done.stderr.decode() and "Traceback" not in done.stderr.decode()
