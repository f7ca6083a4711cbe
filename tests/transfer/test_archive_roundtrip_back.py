"""The organization archive's round trip the other way: from PostgreSQL to SQLite, with the
passwords (tests/transfer/test_archive_roundtrip.py says what is compared and why)."""

import pytest

from tests.transfer.test_archive_roundtrip import postgres_database, round_trip  # noqa: F401


@pytest.mark.postgres
@pytest.mark.real_clock
def test_postgresql_to_sqlite_reads_the_same(tmp_path, postgres_database):  # noqa: F811
    round_trip(
        tmp_path,
        postgres_database,
        f"sqlite:///{tmp_path / 'target.sqlite3'}",
        with_passwords=True,
    )
