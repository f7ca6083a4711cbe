"""A real SMTP server on 127.0.0.1 for tests, small enough to read: it speaks just enough of
RFC 5321 for Django's SMTP backend (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), counts the
connections it is opened, and either refuses every session (``554`` greeting, as a mail server
that is down or rejecting) or accepts and keeps each message it is given."""

from __future__ import annotations

import contextlib
import socket
import threading
from email import message_from_bytes
from email.message import Message


class SMTPServer:
    def __init__(self) -> None:
        self.refusing = True
        self.connections = 0
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.2)
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> SMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except TimeoutError:
                continue
            with self._lock:
                self.connections += 1
            with conn:
                conn.settimeout(10)
                with contextlib.suppress(OSError):
                    self._session(conn.makefile("rb"), conn)

    def _session(self, lines, conn) -> None:
        def reply(text: str) -> None:
            conn.sendall(f"{text}\r\n".encode())

        if self.refusing:
            reply("554 5.3.2 test server refuses all mail")
            return
        reply("220 test ESMTP")
        while True:
            line = lines.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                reply("250 test")
            elif verb == b"DATA":
                reply("354 go ahead")
                data = b""
                while (chunk := lines.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                with self._lock:
                    self.messages.append(message_from_bytes(data))
                reply("250 queued")
            elif verb == b"QUIT":
                reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                reply("250 ok")
