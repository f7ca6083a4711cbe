"""A real HTTP server on 127.0.0.1 that plays Slack's incoming webhooks (paths under /slack/)
and Teams' Workflows webhooks (paths under /teams/), and "Slack's API" for the app (/api/…).

It checks each post's shape itself, from the providers' documentation rather than from our
code: valid JSON; Slack: ``text`` and at most 50 ``blocks`` of known types within Slack's
lengths, buttons with absolute links; Teams: a ``message`` whose one attachment is an Adaptive
Card 1.4 with a body and ``Action.OpenUrl`` links. Every link must lead back to ``site_url``."""

from __future__ import annotations

import http.server
import json
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes
    problems: list[str]

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def texts(self) -> str:
        """Every text in the message, joined (what a reader sees)."""
        found: list[str] = []

        def walk(value):
            if isinstance(value, dict):
                for key, item in value.items():
                    if key in {"text", "title"} and isinstance(item, str):
                        found.append(item)
                    else:
                        walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

        walk(self.json)
        return "\n".join(found)


def _slack_problems(data: Any, site_url: str) -> list[str]:
    problems = []
    if not isinstance(data, dict):
        return ["the body is not a JSON object"]
    if not isinstance(data.get("text"), str) or not data["text"].strip():
        problems.append("no fallback text")
    blocks = data.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return [*problems, "blocks must be a list of 1 to 50"]
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            text = block.get("text") or {}
            if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= 150:
                problems.append("a header needs plain_text of at most 150 characters")
        elif kind == "section":
            text = block.get("text") or {}
            if text.get("type") not in {"mrkdwn", "plain_text"}:
                problems.append("a section's text has no type")
            if not 0 < len(text.get("text", "")) <= 3000:
                problems.append("a section's text must be 1 to 3000 characters")
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
                problems.append("a context needs 1 to 10 elements")
        elif kind == "actions":
            for button in block.get("elements") or []:
                if button.get("type") != "button":
                    problems.append("only buttons are expected in actions")
                text = button.get("text") or {}
                if text.get("type") != "plain_text" or not 0 < len(text.get("text", "")) <= 75:
                    problems.append("a button needs plain_text of at most 75 characters")
                url = button.get("url", "")
                if not url.startswith(site_url + "/") or len(url) > 3000:
                    problems.append(f"a button's link does not lead back: {url!r}")
        else:
            problems.append(f"unexpected block type {kind!r}")
    return problems


def _teams_problems(data: Any, site_url: str) -> list[str]:
    if not isinstance(data, dict) or data.get("type") != "message":
        return ["the body is not a message"]
    attachments = data.get("attachments")
    if not isinstance(attachments, list) or len(attachments) != 1:
        return ["a message needs exactly one attachment"]
    attachment = attachments[0]
    problems = []
    if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
        problems.append("the attachment is not an Adaptive Card")
    card = attachment.get("content") or {}
    if card.get("type") != "AdaptiveCard" or card.get("version") != "1.4":
        problems.append("the card is not an AdaptiveCard 1.4")
    if "adaptivecards.io" not in card.get("$schema", ""):
        problems.append("the card has no schema")
    body = card.get("body")
    if not isinstance(body, list) or not body:
        problems.append("the card has no body")
    for element in body or []:
        if element.get("type") != "TextBlock" or not isinstance(element.get("text"), str):
            problems.append("only TextBlocks with text are expected in the body")
    for action in card.get("actions") or []:
        if action.get("type") != "Action.OpenUrl" or not action.get("title"):
            problems.append("an action must be an Action.OpenUrl with a title")
        if not str(action.get("url", "")).startswith(site_url + "/"):
            problems.append(f"an action's link does not lead back: {action.get('url')!r}")
    return problems


@dataclass
class Receiver:
    url: str
    site_url: str
    answers: list[int] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    # What "Slack's API" answers views.open with.
    api_answer: dict = field(default_factory=lambda: {"ok": True})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self) -> int:
        with self.lock:
            return self.answers.pop(0) if self.answers else 200

    def record(self, post: Post) -> None:
        with self.lock:
            self.posts.append(post)

    def slack_url(self, name: str = "T0A1B2C3D/B0E4F5G6H/secrethookpath") -> str:
        return f"{self.url}/slack/services/{name}"

    def teams_url(self, name: str = "workflows/abc") -> str:
        return f"{self.url}/teams/{name}"


def _handler(receiver: Receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the standard library's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            problems: list[str] = []
            try:
                data = json.loads(body)
            except ValueError:
                data, problems = None, ["the body is not JSON"]
            if headers.get("content-type", "").split(";")[0] != "application/json":
                problems.append("the body is not sent as application/json")
            if data is not None:
                if self.path.startswith("/slack/"):
                    problems += _slack_problems(data, receiver.site_url)
                elif self.path.startswith("/teams/"):
                    problems += _teams_problems(data, receiver.site_url)
            receiver.record(Post(self.path, headers, body, problems))
            if self.path.startswith("/api/"):
                reply = json.dumps(receiver.api_answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
            else:
                status = receiver.answer()
                reply = b"ok" if status < 300 else b"no"
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"{receiver.url}/elsewhere")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    return Handler


class running:
    """``with running(site_url) as receiver:`` listening on a free port of 127.0.0.1."""

    def __init__(self, site_url: str):
        self.site_url = site_url

    def __enter__(self) -> Receiver:
        self.receiver = Receiver(url="", site_url=self.site_url)
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.receiver))
        self.receiver.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self.receiver

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
