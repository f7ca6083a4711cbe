"""An email backend for the worker processes of tests/scale: each message becomes a JSON file
in CADENCE_TEST_MAIL_DIR saying who got which kind of email from which process.

Two switches make a run observable and interruptible at a known point:

- ``CADENCE_TEST_BARRIER=N``: the first message a process sends waits (at most a minute) until
  N processes have reached their first message. Every worker then holds a claim at the same
  moment, so the run is concurrent by construction, not by luck of timing.
- ``CADENCE_TEST_HANG_AFTER=k``: the process hangs on its k-th message, after writing
  ``hanging-<pid>.json`` (the send it holds a claim on), so the test can SIGKILL it there.

``CADENCE_TEST_SEND_DELAY`` (seconds) slows each send down, as a real mail server would.
"""

import json
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

_sent_by_this_process = 0


def _barrier(folder: Path, parties: int) -> None:
    (folder / f"ready-{os.getpid()}").write_text("")
    deadline = time.monotonic() + 60
    while len(list(folder.glob("ready-*"))) < parties and time.monotonic() < deadline:
        time.sleep(0.02)


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        global _sent_by_this_process
        folder = Path(os.environ["CADENCE_TEST_MAIL_DIR"])
        for message in messages:
            _sent_by_this_process += 1
            kind = message.extra_headers.get("X-Cadence-Kind")
            if _sent_by_this_process == 1 and os.environ.get("CADENCE_TEST_BARRIER"):
                _barrier(folder, int(os.environ["CADENCE_TEST_BARRIER"]))
            if _sent_by_this_process == int(os.environ.get("CADENCE_TEST_HANG_AFTER") or 0):
                (folder / f"hanging-{os.getpid()}.json").write_text(
                    json.dumps({"to": message.to, "kind": kind})
                )
                time.sleep(3600)
            time.sleep(float(os.environ.get("CADENCE_TEST_SEND_DELAY") or 0))
            record = {"to": message.to, "kind": kind, "pid": os.getpid()}
            (folder / f"sent-{uuid.uuid4()}.json").write_text(json.dumps(record))
        return len(messages)


def sent(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("sent-*.json"))]


def hanging(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("hanging-*.json"))]
