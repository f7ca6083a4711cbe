"""A real IMAP server on 127.0.0.1 for tests: Debian's Dovecot (``apt-get install
dovecot-imapd``), started in the foreground with a configuration written here — maildirs and a
password file under a temporary folder, plain-text login on a free port, nothing of the
machine's own mail touched. ``dovecot_or_skip`` skips a test without it (and fails it under
CI=true, where .ci/run installs it)."""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
USER, PASSWORD = "updates", "mailbox-password"


def dovecot_or_skip() -> None:
    if not Path(DOVECOT).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("dovecot is missing: .ci/run installs dovecot-imapd")
        pytest.skip("needs Dovecot: apt-get install dovecot-imapd")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Dovecot:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"imap://{USER}:{PASSWORD}@127.0.0.1:{self.port}/INBOX"

    def _config(self) -> Path:
        root = self.root
        for folder in ("run", "state", "mail", "home"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            # As root, mail is kept as Dovecot's own unprivileged user (uid 0 may not own mail).
            account = pwd.getpwnam("dovecot")
            owner = f"default_login_user = dovenull\ndefault_internal_user = {account.pw_name}\n"
            for folder in ("mail", "home"):
                shutil.chown(root / folder, account.pw_uid, account.pw_gid)
        else:
            account = pwd.getpwuid(os.getuid())
            owner = (
                f"default_login_user = {account.pw_name}\n"
                f"default_internal_user = {account.pw_name}\n"
                f"default_internal_group = {account.pw_name}\n"
            )
        (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        config = root / "dovecot.conf"
        config.write_text(
            f"""base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {account.pw_uid}
mail_location = maildir:{root}/mail/%u
{owner}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""
        )
        return config

    def __enter__(self) -> Dovecot:
        config = self._config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = self.root / "dovecot.log"
                    text = log.read_text() if log.exists() else ""
                    self.__exit__()
                    raise RuntimeError(f"Dovecot did not start:\n{text}") from None
                time.sleep(0.1)

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        client.select("INBOX")
        return client

    def deliver(self, *messages: bytes) -> None:
        """Put messages into the inbox, unseen (IMAP APPEND, as a delivery agent would)."""
        client = self.client()
        try:
            for raw in messages:
                status, _ = client.append("INBOX", None, None, raw.replace(b"\n", b"\r\n"))
                assert status == "OK"
        finally:
            client.logout()

    def unseen(self) -> int:
        client = self.client()
        try:
            _, data = client.search(None, "UNSEEN")
            return len((data[0] or b"").split())
        finally:
            client.logout()


@pytest.fixture
def dovecot(settings):
    """Dovecot on 127.0.0.1 with an empty inbox; CADENCE_IMAP_URL points at it. Its folder is
    one Dovecot's own users can reach (pytest's are private to the user running the tests)."""
    dovecot_or_skip()
    root = Path(tempfile.mkdtemp(prefix="cadence-dovecot-"))
    root.chmod(0o755)
    try:
        with Dovecot(root) as server:
            settings.CADENCE_IMAP_URL = server.url
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)
