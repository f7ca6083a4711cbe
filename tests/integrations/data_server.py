"""A real HTTP server on 127.0.0.1 that serves data sources' documents: each path answers what
a test puts in ``routes`` (a status, a body, headers), and every request is recorded with its
headers."""

from __future__ import annotations

import contextlib
import http.server
import threading
from dataclasses import dataclass, field


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class DataServer:
    url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self, path: str, body: str | bytes, **kw) -> str:
        """Serve ``body`` at ``path``; returns its full address."""
        self.routes[path] = Route(body=body.encode() if isinstance(body, str) else body, **kw)
        return self.url + path

    def hits(self, path: str) -> int:
        with self.lock:
            return sum(1 for p, _ in self.requests if p == path)


def _handler(server: DataServer):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            with server.lock:
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path, Route(body=b"not here", status=404))
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            # The client may stop reading (the size cap).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(route.body)

        def log_message(self, *args):
            pass

    return Handler


class serving:
    """``with serving() as server:`` a data server on a free port of 127.0.0.1."""

    def __enter__(self) -> DataServer:
        self.data = DataServer()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.data))
        self.data.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.data

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
