"""The two installations of the archive's round trip (tests/transfer/test_archive_roundtrip.py),
each step run in its own process with its own DATABASE_URL:

    python archive_steps.py source --at ISO --read-at ISO --archive FILE --out PHOTO \
        [--with-passwords]
    python archive_steps.py target --archive FILE --read-at ISO --urls PHOTO --out PHOTO \
        [--export-again FILE] [--with-passwords]

``source`` migrates an empty database, fills it the way tests/upgrade/seed.py does (the demo
organization loaded for ``--at`` plus a few objects of every kind the demo lacks), exports the
organization with ``cadence export-org`` and photographs it. ``target`` migrates another empty
database, imports the archive with ``cadence import-org``, photographs the same addresses and,
with ``--export-again``, exports the imported organization again.

A photograph, taken with the clock stopped at ``--read-at``: every API read of
tests/upgrade/snapshot.py's crawl as the admin (a bearer token) plus the audit trail kind by kind,
and the organization's pages as the admin (signed in), found by following the links of the pages
from the dashboard on (at most ``PAGE_BUDGET``). The target reads exactly the source's addresses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import deque
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

REPO = Path(__file__).resolve().parent.parent.parent
PAGE_BUDGET = 260
# Not the organization's pages (sign-in, first run, links from emails), and the audit trail, read
# kind by kind instead (the import's own event is its one new row).
# Not followed: what leaves the site, signs out, or changes state when opened (following a
# notification marks it read, so the order of the crawl would decide the pages' badges).
SKIPPED = re.compile(
    r"^/(?:api/|static/|logout|login|accounts/|setup/|invitations?/|unsubscribe"
    r"|settings/audit/|settings/organization/archive|notifications/[0-9a-f-]{36}/)"
)
# Lines start at these elements, so that rows a page orders equally compare as a set.
ELEMENT = re.compile(r"(?=<(?:li|tr|option|article)[\s>])")
HREF = re.compile(r'href="([^"#]*)"')
# What differs between two renderings of one page and is no content: the CSRF token, nonces.
VOLATILE = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*"'), r'\1"'),
    (re.compile(r'("X-CSRFToken":\s*")[^"]*"'), r'\1"'),
    (re.compile(r'(name="csrf-token" content=")[^"]*"'), r'\1"'),
    (re.compile(r'(nonce=")[^"]*"'), r'\1"'),
]


def setup() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
    import django

    django.setup()


def normalised(body: str) -> list[str]:
    for pattern, replacement in VOLATILE:
        body = pattern.sub(replacement, body)
    return [
        part.strip() for line in body.splitlines() for part in ELEMENT.split(line) if part.strip()
    ]


def read_page(client, url: str) -> dict:
    response = client.get(url)
    kind = response.headers.get("Content-Type", "").split(";")[0]
    answer = {"status": response.status_code, "type": kind}
    if response.status_code in (301, 302):
        answer["location"] = response.headers.get("Location", "")
    elif kind in ("text/html", "text/csv", "text/plain", "application/json"):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        answer["lines"] = normalised(body.decode("utf-8", errors="replace"))
    return answer


def crawl_pages(client, audit_kinds) -> dict[str, dict]:
    pages: dict[str, dict] = {}
    for kind in audit_kinds:
        url = f"/settings/audit/?kind={kind}"
        pages[url] = read_page(client, url)
    queue = deque(["/", "/settings/"])
    while queue and len(pages) < PAGE_BUDGET + len(audit_kinds):
        url = queue.popleft()
        if url in pages:
            continue
        pages[url] = read_page(client, url)
        if pages[url].get("type") != "text/html":
            continue
        for href in HREF.findall("\n".join(pages[url].get("lines", []))):
            href = href.replace("&amp;", "&")
            parts = urlsplit(urljoin(url, href))
            if parts.netloc or not parts.path.startswith("/") or SKIPPED.match(parts.path):
                continue
            # One page with another return address is the same page: read it once.
            query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("next="))
            target = parts.path + (f"?{query}" if query else "")
            if target not in pages:
                queue.append(target)
    return pages


def signed_in(person):
    """A browser signed in as ``person`` through its session alone: signing in would record a
    sign-in in the audit trail, which each installation would hold at its own moment."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import Client

    session = SessionStore()
    session[SESSION_KEY] = str(person.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = person.get_session_auth_hash()
    session.save()
    browser = Client(HTTP_HOST="localhost")
    browser.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return browser


def photograph(read_at: datetime, urls: dict | None) -> dict:
    import time_machine

    from cadence.audit.kinds import KINDS
    from cadence.orgs.models import Person
    from tests.upgrade.snapshot import API, Reader, crawl

    secret = Path(os.environ["ARCHIVE_TOKEN_FILE"]).read_text().strip()
    admin = Person.objects.filter(role=Person.Role.ADMIN, is_active=True).order_by("email")[0]
    reader = Reader(secret)
    browser = signed_in(admin)
    with time_machine.travel(read_at, tick=False):
        if urls is None:
            crawl(reader, read_at)
            # The audit trail, kind by kind: the import's own event is its only new row.
            kinds = [kind for kind in sorted(KINDS) if kind != "organization.imported"]
            for kind in kinds:
                reader.pages("/audit", kind=kind)
            pages = crawl_pages(browser, kinds)
        else:
            for url in urls["api"]:
                reader.get(url[len(API) :])
            pages = {url: read_page(browser, url) for url in urls["pages"]}
    return {"api": reader.answers, "pages": pages}


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=["source", "target"])
    parser.add_argument("--at", help="ISO date-time the data is made at (source)")
    parser.add_argument("--read-at", required=True)
    parser.add_argument("--archive", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--urls", help="the source's photograph (target)")
    parser.add_argument("--with-passwords", action="store_true")
    parser.add_argument("--export-again", help="target: export the imported organization here")
    args = parser.parse_args(argv)
    setup()
    import time_machine
    from django.test.utils import override_settings

    from cadence.cli import main as cadence

    migrate()
    read_at = datetime.fromisoformat(args.read_at)
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    ):
        if args.phase == "source":
            from cadence.demo.loader import load_demo
            from tests.upgrade.seed import add_extras

            at = datetime.fromisoformat(args.at)
            with time_machine.travel(at, tick=True):
                organization = load_demo(today=at.date())
                secret = add_extras(organization, at=at)
            Path(os.environ["ARCHIVE_TOKEN_FILE"]).write_text(secret)
            command = ["export-org", "--output", args.archive]
            if args.with_passwords:
                command.append("--with-passwords")
            with time_machine.travel(read_at, tick=True):
                if cadence(command) != 0:
                    return 1
            urls = None
        else:
            with time_machine.travel(read_at, tick=True):
                if cadence(["import-org", args.archive]) != 0:
                    return 1
            with open(args.urls, encoding="utf-8") as source:
                urls = json.load(source)
        photo = photograph(read_at, urls)
        if args.export_again:
            command = ["export-org", "--output", args.export_again]
            if args.with_passwords:
                command.append("--with-passwords")
            with time_machine.travel(read_at, tick=True):
                if cadence(command) != 0:
                    return 1
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(photo, out, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
