"""SITE_URL (the address in emails' links) follows the port Cadence is served on when unset."""

import os
import subprocess
import sys

import pytest

from cadence import cli
from cadence.cli import base, server


def _site_url(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    environment.update(env)
    out = subprocess.run(
        [sys.executable, "-c", "import cadence.settings as s; print(s.SITE_URL)"],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def test_site_url_follows_port_when_unset():
    assert _site_url() == "http://127.0.0.1:8000"
    assert _site_url(PORT="8123") == "http://127.0.0.1:8123"
    assert _site_url(PORT="8123", SITE_URL="https://okrs.example.com/") == (
        "https://okrs.example.com"
    )


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_a_served_port_counts_as_port(monkeypatch, command):
    """`cadence serve --port 8123` (and `demo`) set PORT before Django reads its settings, so
    SITE_URL and the worker started beside the server follow it."""
    monkeypatch.delenv("PORT", raising=False)
    seen = {}
    monkeypatch.setattr(
        base, "setup_django", lambda **kw: seen.setdefault("port", os.environ.get("PORT"))
    )
    monkeypatch.setattr(server, "serve", lambda **kw: None)
    monkeypatch.setattr(server, "_print_setup_code", lambda url: None)
    monkeypatch.setattr(server, "migrate", lambda **kw: 0)
    if command == "demo":
        from cadence.demo import loader

        monkeypatch.setattr(loader, "find_demo", lambda: object())
        monkeypatch.setattr(loader, "load_demo", lambda: type("Org", (), {"name": "Demo"})())
        monkeypatch.setattr(server, "_start_worker_process", lambda: None)
        monkeypatch.setattr(server, "_stop_worker_process", lambda worker: None)
    assert cli.main([command, "--port", "8123"]) == 0
    assert seen["port"] == "8123"
