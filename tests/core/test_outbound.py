"""Outbound HTTP refuses private and local addresses unless the operator allows them: checked
against a real server on 127.0.0.1 (the request is refused before it is sent)."""

import http.server
import ipaddress
import threading

import pytest

from cadence.core import outbound


class _Counting(http.server.BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802 (the standard library's name)
        type(self).hits += 1
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://10.255.255.1/metadata")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    _Counting.hits = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "0.0.0.0",
        "224.0.0.1",
        "::ffff:127.0.0.1",
        "100.64.0.1",
    ],
)
def test_private_and_local_addresses_are_refused(settings, address):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    assert not outbound.address_allowed(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    assert "private or local address" in outbound.refusal(f"https://{host}/")


def test_public_addresses_over_https_are_allowed(settings):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    assert outbound.refusal("https://93.184.215.14/.well-known/openid-configuration") is None
    assert "https://" in outbound.refusal("http://93.184.215.14/")
    assert "https://" in outbound.refusal("file:///etc/passwd")
    assert (
        outbound.refusal("https://no-such-host.invalid/")
        == "no-such-host.invalid could not be found."
    )


def test_the_session_refuses_a_local_server_unless_allowed(settings, local_server):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    with outbound.guarded_session() as session, pytest.raises(outbound.OutboundRefused):
        session.get(f"{local_server}/")
    assert _Counting.hits == 0  # never reached

    settings.ALLOW_PRIVATE_OUTBOUND = True
    with outbound.guarded_session() as session:
        assert session.get(f"{local_server}/").json() == {"ok": True}
    assert _Counting.hits == 1


def test_an_allowed_network_opens_only_itself(settings, local_server):
    settings.ALLOW_PRIVATE_OUTBOUND = False
    settings.OUTBOUND_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert outbound.refusal("https://10.1.2.3/") is None
    assert outbound.refusal("https://127.0.0.1/") is not None


def test_each_redirect_is_checked_again(settings, local_server):
    """Allowed to call 127.0.0.1, not 10.0.0.0/8: a redirect there is refused before it goes."""
    settings.ALLOW_PRIVATE_OUTBOUND = False
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    with outbound.guarded_session() as session:
        assert session.get(f"{local_server}/").status_code == 200
        with pytest.raises(outbound.OutboundRefused, match="10.255.255.1"):
            session.get(f"{local_server}/redirect")
    assert _Counting.hits == 2
