"""Fetching a data source's number, for the worker only (never during a request): HTTP through
``cadence.core.outbound`` (private and local addresses refused at every redirect hop, the
address judged is the address connected to), with a timeout and a size cap; SQL on a connection
the operator named in ``CADENCE_DATA_SOURCES``, read-only, with a statement timeout.

``value_of(source)`` returns the number or raises ``values.ValueProblem`` with a message for the
key result's page."""

from __future__ import annotations

import json
import sqlite3
import time
from urllib.parse import unquote, urlsplit

import requests
from django.conf import settings

from cadence.core import outbound
from cadence.integrations import values
from cadence.integrations.models import DataSource
from cadence.integrations.values import ValueProblem

# The largest answer read (bytes); a longer one fails the sync.
MAX_BYTES = 1024 * 1024
# Seconds a connection, an answer or a query may take.
TIMEOUT = 10
# Redirects followed at most (each checked like the first address).
MAX_REDIRECTS = 5


def _http_body(source: DataSource) -> bytes:
    session = outbound.guarded_session()
    session.max_redirects = MAX_REDIRECTS
    headers = {
        "User-Agent": f"{settings.SITE_NAME}-DataSources/1",
        "Accept": "application/json" if source.kind == DataSource.Kind.HTTP_JSON else "text/csv",
        **{str(k): str(v) for k, v in (source.headers or {}).items()},
    }
    try:
        with session.get(source.url, headers=headers, timeout=TIMEOUT, stream=True) as response:
            if not 200 <= response.status_code < 300:
                raise ValueProblem(f"The address answered {response.status_code}.")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > MAX_BYTES:
                raise ValueProblem(f"The answer is larger than {MAX_BYTES // 1024} KB.")
            body = b""
            deadline = time.monotonic() + TIMEOUT * 3
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise ValueProblem(f"The answer is larger than {MAX_BYTES // 1024} KB.")
                if time.monotonic() > deadline:
                    raise ValueProblem("The answer took too long to arrive.")
            return body
    except outbound.OutboundRefused as error:
        raise ValueProblem(str(error)) from error
    except requests.TooManyRedirects as error:
        raise ValueProblem(f"More than {MAX_REDIRECTS} redirects.") from error
    except requests.Timeout as error:
        raise ValueProblem(f"No answer within {TIMEOUT} seconds.") from error
    except requests.RequestException as error:
        raise ValueProblem(f"The address could not be reached ({type(error).__name__}).") from error
    finally:
        session.close()


# SQL ----------------------------------------------------------------------------------------


def connections() -> dict[str, str]:
    """The operator's named connections (``CADENCE_DATA_SOURCES``, a JSON object of names to
    URLs); empty when unset or unreadable."""
    raw = getattr(settings, "CADENCE_DATA_SOURCES", "") or ""
    if isinstance(raw, dict):
        data = raw
    else:
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError:
            return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}


def _sqlite_rows(url: str, query: str) -> list[tuple]:
    # sqlite:////absolute/path.db or sqlite:///relative.db; opened read-only, whatever the
    # query says (mode=ro, query_only), and interrupted after TIMEOUT seconds.
    path = unquote(urlsplit(url).path)
    path = path[1:] if path.startswith("/") else path
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=TIMEOUT)
    deadline = time.monotonic() + TIMEOUT
    connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        connection.execute("PRAGMA query_only = ON")
        cursor = connection.execute(query)
        return cursor.fetchmany(2)
    finally:
        connection.close()


def _postgres_rows(url: str, query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(
        url,
        connect_timeout=TIMEOUT,
        options=f"-c statement_timeout={TIMEOUT * 1000} -c default_transaction_read_only=on",
    ) as connection:
        connection.read_only = True
        with connection.cursor() as cursor:
            # binary: the extended protocol, which runs one statement only (a second one, such
            # as "COMMIT; …", is refused by the server).
            cursor.execute(query, binary=True)
            if cursor.description is None:
                raise ValueProblem("The query returned no rows: write a SELECT.")
            rows = cursor.fetchmany(2)
        connection.rollback()
        return rows


def sql_rows(name: str, query: str) -> list[tuple]:
    url = connections().get(name)
    if url is None:
        raise ValueProblem(
            f"There is no connection {name!r}: the operator configures them (CADENCE_DATA_SOURCES)."
        )
    scheme = urlsplit(url).scheme
    try:
        if scheme == "sqlite":
            return _sqlite_rows(url, query)
        if scheme in {"postgres", "postgresql"}:
            return _postgres_rows(url, query)
    except ValueProblem:
        raise
    except sqlite3.Error as error:
        raise ValueProblem(f"The query failed: {error}.") from error
    except Exception as error:  # psycopg's errors, imported only when used
        if type(error).__module__.startswith("psycopg"):
            text = str(error).strip().splitlines()[0] if str(error).strip() else ""
            if "multiple commands" in text:
                text = "write one statement"
            raise ValueProblem(f"The query failed: {text or type(error).__name__}.") from error
        raise
    raise ValueProblem(f"The connection {name!r} is neither PostgreSQL nor SQLite.")


def value_of(source: DataSource) -> float:
    """Fetch the source's number (the worker's side: network or database, with timeouts)."""
    if source.kind == DataSource.Kind.SQL:
        return values.sql_value(sql_rows(source.connection, source.query))
    body = _http_body(source)
    if source.kind == DataSource.Kind.HTTP_JSON:
        return values.json_value(body, source.path)
    return values.csv_value(body, source.cell)
