"""An email backend for tests that run the scheduler in another process: each message becomes
a JSON file in CADENCE_TEST_MAIL_DIR; a message to CADENCE_TEST_HANG_ON instead hangs the
process (after writing a ``hanging`` marker), so the test can kill it mid-way."""

import json
import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class FileRecordingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        folder = Path(os.environ["CADENCE_TEST_MAIL_DIR"])
        hang_on = os.environ.get("CADENCE_TEST_HANG_ON", "")
        for message in messages:
            if hang_on and hang_on in message.to:
                (folder / "hanging").write_text(hang_on)
                time.sleep(3600)
            record = {"to": message.to, "kind": message.extra_headers.get("X-Cadence-Kind")}
            (folder / f"{uuid.uuid4()}.json").write_text(json.dumps(record))
        return len(messages)


def recorded(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
