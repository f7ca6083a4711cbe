"""Run by tests/mailin/test_cli.py in a process of its own (``python -m tests.mailin.cli_setup``):
builds Mia's organization in the database of DATABASE_URL through the services and prints her
reply token."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadence.settings")
django.setup()

from cadence.orgs import services as org_services  # noqa: E402
from cadence.orgs.models import Person  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.mailin.conftest import MIA, token_for  # noqa: E402

org, admin = f.make_org()
team = f.make_unit(org, "Product")
mia = org_services.person_create(
    organization=org, email=MIA, name="Mia Member", role=Person.Role.MEMBER, password=f.PASSWORD
)
f.join(team, mia)
print(token_for(mia))
