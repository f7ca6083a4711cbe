"""Photograph a Cadence database: every row of every table, and what the API answers about it.

tests/upgrade/test_upgrade.py runs this file (always the checkout's copy, so both halves are
photographed the same way) in a subprocess, once with the previous release's code and once with
the checkout's after it migrated the same database:

    python snapshot.py --phase old --at ISO --token-file TOKEN --out old.json
    python snapshot.py --phase new --at ISO --token-file TOKEN --out new.json --urls old.json

It relies only on Django and the public API, never on Cadence's models or modules, so it reads
any release the same way.

* Rows: the database's own list of tables; per table its columns and primary key, and every row
  ordered by that key, each value as text (so an engine's types compare as they are stored).
* API: GETs as the organization's admin (a bearer token), through Django's test client, with
  the clock stopped at ``--at`` so that pace, phases and "due" are the same in both halves. The
  old phase discovers the URLs from the answers themselves (units, cycles, objectives, key
  results, people, weeks, weekly items; every page of every list) and records them; the new
  phase requests exactly the same URLs.

Order: the old phase reads the API first, then the rows; the new phase the rows first, then
the API. A GET may write (a token records when it was last used), so both row photographs show
the database as the old code's reads left it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlencode

API = "/api/v1"
PAGE = 5  # a small page, so that paging itself is read through
WEEKS_BACK = 9  # the demo writes eight weeks of weekly updates before its day
WEEKS_AHEAD = 1


# Rows -------------------------------------------------------------------------------------


def as_text(value) -> str | None:
    """A stored value as text, the same way in both halves."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def rows_snapshot() -> dict:
    from django.db import connection

    tables = {}
    with connection.cursor() as cursor:
        names = sorted(connection.introspection.table_names(cursor))
        for table in names:
            pk = list(connection.introspection.get_primary_key_columns(cursor, table) or [])
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            columns = [d[0] for d in cursor.description]
            rows = [[as_text(v) for v in row] for row in cursor.fetchall()]
            key = [columns.index(c) for c in pk] or list(range(len(columns)))
            rows.sort(key=lambda r: [("" if r[i] is None else r[i]) for i in key])
            tables[table] = {"columns": columns, "pk": pk, "rows": rows}
    return tables


# API --------------------------------------------------------------------------------------


class Reader:
    """GETs as the token's owner; every answer is kept under its URL, in the order asked."""

    def __init__(self, secret: str):
        from django.test import Client

        self.client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="localhost")
        self.answers: dict[str, dict] = {}

    def get(self, path: str, **params):
        url = API + path + (f"?{urlencode(params)}" if params else "")
        if url not in self.answers:
            response = self.client.get(url)
            try:
                body = json.loads(response.content)
            except ValueError:
                body = response.content.decode(errors="replace")
            self.answers[url] = {
                "status": response.status_code,
                "headers": {
                    h: response.headers[h]
                    for h in ("X-Total-Count", "Link")
                    if h in response.headers
                },
                "json": body,
            }
        answer = self.answers[url]
        return answer["json"] if answer["status"] == 200 else None

    def pages(self, path: str, **params) -> list:
        """Every page of an offset/limit list."""
        everything, offset = [], 0
        while True:
            page = self.get(path, **params, offset=offset, limit=PAGE) or []
            everything += page
            if len(page) < PAGE:
                return everything
            offset += PAGE


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def months(start: date, end: date) -> list[str]:
    out, month = [], date(start.year, start.month, 1)
    while month <= end:
        out.append(f"{month.year}-{month.month:02d}")
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return out


def crawl(reader: Reader, at: datetime) -> None:
    """Every resource of the organization the API has a GET for, discovered from the answers."""
    get = reader.get
    get("/me")
    for path in ("/grading-scheme", "/coach/checks", "/coach/settings", "/approvals"):
        get(path)
    get("/dependencies")
    get("/weekly-categories")
    get("/weekly-categories", archived="true")
    reader.pages("/learnings")

    before, commented_items = None, set()  # the feed, page after page
    for _ in range(1000):
        page = get("/feed", **({"before": before} if before else {})) or {}
        commented_items.update(
            e["item_id"] for e in page.get("events", []) if e["kind"] == "comment" and e["item_id"]
        )
        if not page.get("next_before"):
            break
        before = page["next_before"]

    units = get("/units") or []
    teams = [u["id"] for u in units if u["kind"] == "team"]
    company = next(u["id"] for u in units if u["parent_id"] is None)
    for unit in units:
        get(f"/units/{unit['id']}")
    for team in teams:
        get("/weekly-categories", unit_id=team)

    # Weeks: the company's report of each (everyone's items), every unit's of the last two.
    today = at.date()
    weeks = [iso_week(today + timedelta(weeks=n)) for n in range(-WEEKS_BACK, WEEKS_AHEAD + 1)]
    recent = weeks[-WEEKS_AHEAD - 2 :]
    people: set[str] = set()
    for week in weeks:
        report = get(f"/teams/{company}/report", week=week) or {}
        people.update(p["person_id"] for p in report.get("people", []))
    for unit in units:
        for week in recent:
            get(f"/teams/{unit['id']}/report", week=week)

    for cycle in get("/cycles") or []:
        c = cycle["id"]
        for suffix in (
            "",
            "/quality",
            "/reviews",
            "/reviews/mid-cycle",
            "/summary",
            "/alignment",
            "/company-review",
        ):
            get(f"/cycles/{c}{suffix}")
        get("/dependencies", cycle_id=c)
        for month in months(date.fromisoformat(cycle["start"]), date.fromisoformat(cycle["end"])):
            get(f"/cycles/{c}/reviews/monthly/{month}")
        for team in teams:
            get(f"/cycles/{c}/units/{team}/retrospective")
            get(f"/cycles/{c}/reviews", unit_id=team)
        for objective in reader.pages("/objectives", cycle_id=c):
            o = objective["id"]
            for suffix in (
                "",
                "/key-results",
                "/comments",
                "/findings",
                "/approvals",
                "/score-history",
            ):
                get(f"/objectives/{o}{suffix}")
            for key_result in objective["key_results"]:
                k = key_result["id"]
                for suffix in ("", "/check-ins", "/comments", "/target-changes"):
                    get(f"/key-results/{k}{suffix}")

    # Everyone's update of the recent weeks (the company's reports above hold every week's
    # items), and one by one their items and every item someone commented on.
    items = set(commented_items)
    for person in sorted(people):
        for week in recent:
            update = get(f"/weekly/{person}/{week}") or {}
            items.update(item["id"] for item in update.get("items", []))
    for item in sorted(items):
        get(f"/weekly-items/{item}")
        get(f"/weekly-items/{item}/comments")


def api_snapshot(secret: str, at: datetime, urls: list[str] | None) -> dict:
    import time_machine

    reader = Reader(secret)
    with time_machine.travel(at, tick=False):
        if urls is None:
            crawl(reader, at)
        else:
            for url in urls:
                reader.get(url[len(API) :])
    return reader.answers


# Main -------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phase", choices=["old", "new"], required=True)
    parser.add_argument("--at", required=True, help="ISO date-time the API is read at")
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--urls", help="the old phase's snapshot: its URLs are read again")
    args = parser.parse_args(argv)
    at = datetime.fromisoformat(args.at)
    with open(args.token_file, encoding="utf-8") as source:
        secret = source.read().strip()
    urls = None
    if args.phase == "new":
        with open(args.urls, encoding="utf-8") as source:
            urls = list(json.load(source)["api"])

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    import django

    django.setup()
    import cadence

    snapshot: dict = {"cadence": os.path.dirname(os.path.abspath(cadence.__file__))}
    if args.phase == "old":
        snapshot["api"] = api_snapshot(secret, at, None)
        snapshot["rows"] = rows_snapshot()
    else:
        snapshot["rows"] = rows_snapshot()
        snapshot["api"] = api_snapshot(secret, at, urls)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(snapshot, out, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
