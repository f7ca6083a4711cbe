"""A webhook's secret is a credential in the organization archive: it travels only with the
credentials; without them the imported webhook signs with a new secret nobody was shown."""

import io

import pytest
from django.db import transaction

from cadence.integrations import services
from cadence.integrations.models import WebhookEndpoint
from cadence.transfer.archive import organization_export, organization_import
from tests import factories as f
from tests.integrations.conftest import ALL_EVENTS


def _archive(with_passwords: bool) -> tuple[bytes, str]:
    sid = transaction.savepoint()
    _, admin = f.make_org("Archived")
    _, secret = services.webhook_create(
        actor=admin, url="http://127.0.0.1:9/archived", events=ALL_EVENTS
    )
    out = io.BytesIO()
    organization_export(
        actor=None, organization=admin.organization, out=out, with_passwords=with_passwords
    )
    transaction.savepoint_rollback(sid)
    return out.getvalue(), secret


@pytest.mark.django_db
@pytest.mark.parametrize("with_passwords", [False, True])
def test_the_secret_travels_only_with_the_credentials(settings, with_passwords):
    settings.ALLOW_PRIVATE_OUTBOUND = True
    data, secret = _archive(with_passwords)
    result = organization_import(source=io.BytesIO(data))
    endpoint = WebhookEndpoint.objects.get(organization=result.organization)
    assert endpoint.url == "http://127.0.0.1:9/archived"
    if with_passwords:
        assert endpoint.secret == secret
    else:
        assert endpoint.secret != secret and endpoint.secret.startswith("whsec_")


@pytest.mark.django_db
@pytest.mark.parametrize("with_passwords", [False, True])
def test_a_data_sources_headers_travel_only_with_the_credentials(settings, with_passwords):
    from datetime import date

    from cadence.integrations import sources
    from cadence.integrations.models import DataSource

    settings.ALLOW_PRIVATE_OUTBOUND = True
    sid = transaction.savepoint()
    _, admin = f.make_org("Archived")
    team = f.make_unit(admin.organization, "Data")
    cycle = f.make_cycle(admin, name="Q4", start=date(2026, 10, 1), end=date(2026, 12, 31))
    kr = f.make_kr(admin, f.make_objective(admin, cycle, team, title="Know the numbers"))
    sources.data_source_set(
        actor=admin,
        key_result=kr,
        kind="http_json",
        url="http://127.0.0.1:9/n.json",
        path="n",
        headers={"Authorization": "Bearer archived"},
    )
    out = io.BytesIO()
    organization_export(
        actor=None, organization=admin.organization, out=out, with_passwords=with_passwords
    )
    transaction.savepoint_rollback(sid)
    result = organization_import(source=io.BytesIO(out.getvalue()))
    source = DataSource.objects.get(organization=result.organization)
    assert (source.url, source.path) == ("http://127.0.0.1:9/n.json", "n")
    assert source.headers == ({"Authorization": "Bearer archived"} if with_passwords else {})
