"""A writer for the backup tests, run as its own process against the database DATABASE_URL
names, like the app's own processes (``python -m tests.transfer.backup_writer``).

``seed N``: an organization with an admin, a cycle around today and N key results; prints
``{"actor": id, "key_results": [id, …]}``.
``write ACTOR KEY_RESULT``: check-ins on the key result through the real service, one after the
other until stopped (SIGTERM); after each commit returns it prints ``<check-in id> <time.time()>``:
the check-in is acknowledged.
"""

import json
import os
import signal
import sys
import time
from datetime import timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from cadence.okrs import services  # noqa: E402
from cadence.okrs.models import Cycle, KeyResult  # noqa: E402
from cadence.orgs.models import Person  # noqa: E402
from cadence.orgs.selectors import company_unit  # noqa: E402
from tests import factories as f  # noqa: E402


def seed(count: int) -> None:
    org, admin = f.make_org("Backup")
    today = timezone.localdate()
    cycle = f.make_cycle(
        admin,
        start=today - timedelta(days=30),
        end=today + timedelta(days=60),
        kind=Cycle.Kind.CUSTOM,
    )
    objective = f.make_objective(admin, cycle, company_unit(org), title="Nothing is lost")
    key_results = [
        f.make_kr(admin, objective, title=f"Writer {i} check-ins", start=0, target=1_000_000)
        for i in range(count)
    ]
    print(json.dumps({"actor": str(admin.pk), "key_results": [str(k.pk) for k in key_results]}))


def write(actor_id: str, key_result_id: str) -> None:
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    actor = Person.objects.get(pk=actor_id)
    key_result = KeyResult.objects.get(pk=key_result_id)
    value = 0
    while not stopping:
        value += 1
        check_in = services.check_in_create(
            actor=actor, key_result=key_result, value=float(value), confidence="on_track"
        )
        print(f"{check_in.pk} {time.time():.6f}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "seed":
        seed(int(sys.argv[2]))
    else:
        write(sys.argv[2], sys.argv[3])
