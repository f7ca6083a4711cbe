import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
application = get_wsgi_application()

from cadence.core.deploy import secret_key_problem  # noqa: E402 (needs the settings)

if problem := secret_key_problem():
    print(f"cadence: {problem}", file=sys.stderr, flush=True)
    raise SystemExit(1)

from cadence.core.startup import load_and_freeze  # noqa: E402

load_and_freeze()
