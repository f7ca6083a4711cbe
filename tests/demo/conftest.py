import pytest

from tests.clock import TEST_TODAY

# The suite's frozen day (tests/clock.py), a Monday with seven full weeks of the quarter behind
# it. The `demo` fixture (tests/conftest.py) loads the demo organization for this day, once for
# all the tests that read it.
TODAY = TEST_TODAY


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo sets a few passwords; the default hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
