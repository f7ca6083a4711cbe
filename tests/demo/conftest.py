from datetime import date

import pytest

from cadence.demo.loader import load_demo

# A Monday in the second half of a quarter: seven full weeks of the current quarter behind it.
TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The demo sets a few passwords; the default hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    return load_demo(today=TODAY)
