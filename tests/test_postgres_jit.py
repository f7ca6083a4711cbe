"""PostgreSQL's JIT compiler is off on Cadence's connections unless DATABASE_JIT_OFF=0 says the
database is set up for it (behind pgbouncer): compiling a page's larger queries cost more than
running them (docs/decisions.md, "PostgreSQL's JIT")."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.secret_key import TEST_SECRET_KEY

SHOW = "import cadence.settings as s; print(s.DATABASES['default'].get('OPTIONS', {}))"


def _options(**env) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SHOW],
        env={**os.environ, "SECRET_KEY": TEST_SECRET_KEY, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_the_setting_follows_the_engine_and_the_switch():
    postgres = "postgres://cadence@127.0.0.1:5432/cadence"
    assert "-c jit=off" in _options(DATABASE_URL=postgres)
    assert "-c jit=off" in _options(DATABASE_URL=postgres, DATABASE_JIT_OFF="1")
    assert "jit" not in _options(DATABASE_URL=postgres, DATABASE_JIT_OFF="0")
    assert "jit" not in _options(DATABASE_URL=postgres, DATABASE_JIT_OFF="false")
    assert "jit" not in _options(DATABASE_URL="sqlite:////tmp/none.sqlite3")


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_suites_connection_runs_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
