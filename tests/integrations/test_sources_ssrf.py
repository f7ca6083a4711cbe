"""The outbound rules, for data sources and every other caller of ``cadence.core.outbound``:
loopback, private, link-local, unspecified and mapped addresses are refused however they are
written (names that resolve inward, IPv6, decimal and octal forms), at every redirect hop, and
the address connected to is the address judged (no second resolution). The operator opens
networks with ALLOW_PRIVATE_OUTBOUND or CADENCE_OUTBOUND_ALLOW."""

import json
import os
import socket
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from cadence.core import outbound
from cadence.integrations import sources
from cadence.okrs.models import CheckIn

REFUSED = [
    "http://127.0.0.1/",
    "https://127.0.0.1/",
    "https://localhost/",  # a DNS name (the hosts file) that resolves inward
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:7f00:1]/",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fe80::1]/",
    "https://0.0.0.0/",
    "https://[::]/",
    "https://10.0.0.8/",
    "https://192.168.1.1/",
    "https://[fd00::1]/",
    "https://2130706433/",  # 127.0.0.1 in decimal
    "https://0177.0.0.1/",  # in octal
    "https://0x7f.0.0.1/",  # in hexadecimal
    "https://127.1/",  # the short form
]


@pytest.fixture
def strict(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    settings.OUTBOUND_ALLOWED_NETWORKS = []
    return settings


@pytest.mark.parametrize("url", REFUSED)
def test_inward_addresses_are_refused_however_written(strict, url):
    reason = outbound.refusal(url)
    assert reason is not None and "private or local address" in reason


@pytest.mark.parametrize("url", REFUSED)
def test_the_session_never_connects_to_them(strict, url):
    with outbound.guarded_session() as session, pytest.raises(outbound.OutboundRefused):
        session.get(url, timeout=2)


def test_a_source_on_a_local_server_is_refused_and_never_reached(strict, okrs, data_server):
    # The fixture allowed private addresses to serve; the operator now refuses them.
    strict.ALLOW_PRIVATE_OUTBOUND = False
    url = data_server.serve("/v.json", "7")
    with pytest.raises(Exception, match="private or local"):
        sources.data_source_set(
            actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url
        )
    # Saved while allowed, then refused at the sync: the worker never calls it.
    strict.ALLOW_PRIVATE_OUTBOUND = True
    source = sources.data_source_set(
        actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url
    )
    strict.ALLOW_PRIVATE_OUTBOUND = False
    sources.sources_sync_due(now=source.next_run_at + timedelta(seconds=1))
    source.refresh_from_db()
    assert "private or local" in source.last_error
    assert data_server.hits("/v.json") == 0 and not CheckIn.objects.exists()


def test_an_allowed_network_opens_only_itself_and_redirects_are_checked_again(
    strict, okrs, data_server
):
    strict.ALLOW_PRIVATE_OUTBOUND = False
    strict.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    data_server.serve("/final.json", "9")
    url = data_server.serve(
        "/hop.json", "", status=302, headers={"Location": f"{data_server.url}/final.json"}
    )
    source = sources.data_source_set(
        actor=okrs["admin"], key_result=okrs["kr"], kind="http_json", url=url
    )
    now = source.next_run_at + timedelta(seconds=1)
    assert sources.sources_sync_due(now=now).recorded == 1  # a redirect inside the allowed net
    for target in (
        "http://169.254.169.254/latest/meta-data/",
        "http://10.255.255.1/",
        f"http://[::1]:{data_server.url.rsplit(':', 1)[1]}/final.json",
        "http://2130706433.example/",  # not found: refused as well
    ):
        data_server.serve("/hop.json", "", status=302, headers={"Location": target})
        sources.data_source_request(actor=okrs["admin"], key_result=okrs["kr"], what="test")
        assert sources.sources_sync_due(now=now).tested == 1
        source.refresh_from_db()
        assert source.test_result.startswith("Failed:"), (target, source.test_result)
    assert data_server.hits("/final.json") == 1  # only the first, allowed redirect got there


@pytest.fixture
def rebinding(monkeypatch):
    """A DNS name whose answer changes: public the first time it is asked, then 127.0.0.1 (the
    resolver, not Cadence's code, is what is replaced)."""
    real = socket.getaddrinfo
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "rebind.test":
            asked.append(host)
            address = "93.184.215.14" if len(asked) == 1 else "127.0.0.1"
            return real(address, port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_a_name_that_rebinds_inward_after_the_check_is_refused_at_the_connection(
    strict, rebinding, data_server
):
    strict.ALLOW_PRIVATE_OUTBOUND = False
    port = data_server.url.rsplit(":", 1)[1]
    data_server.serve("/x", "1")
    assert outbound.refusal(f"https://rebind.test:{port}/x") is None  # public, the first time
    with (
        outbound.guarded_session() as session,
        pytest.raises(outbound.OutboundRefused, match="private or local"),
    ):
        session.get(f"https://rebind.test:{port}/x", timeout=2)
    assert data_server.hits("/x") == 0


def test_the_connection_goes_to_the_address_it_judged(strict, data_server, monkeypatch):
    """Allowed by the operator's network: the pinned connection reaches the server by the
    address it resolved, the request still naming its host."""
    strict.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **kw: real(
            "127.0.0.1" if host == "data.test" else host, port, *a, **kw
        ),
    )
    port = data_server.url.rsplit(":", 1)[1]
    data_server.serve("/x", '{"ok": 1}')
    with outbound.guarded_session() as session:
        assert session.get(f"http://data.test:{port}/x", timeout=2).json() == {"ok": 1}
    assert data_server.requests[-1][1]["host"] == f"data.test:{port}"


def test_requests_errors_stay_request_exceptions(strict):
    assert issubclass(outbound.OutboundRefused, requests.RequestException)


def test_cadence_outbound_allow_is_read_with_the_older_name():
    env = {
        **os.environ,
        "CADENCE_OUTBOUND_ALLOW": "10.20.0.0/16, 192.168.5.0/24",
        "OUTBOUND_ALLOWED_NETWORKS": "172.16.0.0/12",
        "DJANGO_SETTINGS_MODULE": "cadence.settings",
    }
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.OUTBOUND_ALLOWED_NETWORKS))",
        ],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == ["10.20.0.0/16", "192.168.5.0/24", "172.16.0.0/12"]
