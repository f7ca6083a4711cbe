"""A serving process loads every view once and freezes what it loaded out of the garbage
collector's reach (cadence.core.startup): cadence/wsgi.py does it on import, `cadence serve`
before it forks its workers."""

import os
import subprocess
import sys

from tests.secret_key import TEST_SECRET_KEY

CHECK = """
import gc, sys
import cadence.wsgi
print(gc.get_freeze_count() > 10_000, 'cadence.web.views.dashboard' in sys.modules,
      'cadence.api.urls' in sys.modules)
"""


def test_the_wsgi_module_loads_the_views_and_freezes_them():
    done = subprocess.run(
        [sys.executable, "-c", CHECK],
        env={**os.environ, "SECRET_KEY": TEST_SECRET_KEY},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    # Frozen, views loaded, the API left for its first request.
    assert done.stdout.split() == ["True", "True", "False"]
