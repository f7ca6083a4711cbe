from datetime import date

import pytest

# A Monday in the second half of a quarter: seven full weeks of the current quarter behind it.
# The `demo` fixture (tests/conftest.py) loads the demo organization for this day, once for all
# the tests that read it.
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo sets a few passwords; the default hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
