"""Settings → Organization → "Your organization's data": admins download the archive, streamed;
everyone else is refused; the file holds the caller's organization only and no secrets."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from cadence.audit.models import Event
from tests import factories as f

URL = "/settings/organization/archive.zip"


@pytest.mark.django_db
def test_the_route_is_the_settings_pages(client):
    assert reverse("organization_archive") == URL


@pytest.mark.django_db
def test_an_admin_downloads_the_archive_of_their_organization_only(client, org, admin, member):
    other, other_admin = f.make_org("Other")
    f.make_person(other, name="Olga Outsider")
    client.force_login(admin)
    page = client.get("/settings/organization/")
    assert URL in page.content.decode() and "Your organization" in page.content.decode()

    response = client.get(URL)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="cadence-acme-')
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        everything = b"".join(archive.read(n) for n in archive.namelist())
    assert manifest["organization"]["id"] == str(org.pk)
    assert manifest["with_passwords"] is False
    assert str(other.pk).encode() not in everything
    assert other_admin.email.encode() not in everything
    assert member.email.encode() in everything
    assert admin.password.encode() not in everything
    event = Event.objects.get(organization=org, kind="organization.exported")
    assert event.actor == admin


@pytest.mark.django_db
def test_members_and_viewers_are_refused(client, org, member, viewer):
    for person in (member, viewer):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert URL not in client.get("/settings/organization/").content.decode()
    assert not Event.objects.filter(organization=org, kind="organization.exported").exists()


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_sign_in(client, org):
    response = client.get(URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_only_get(client, admin):
    client.force_login(admin)
    assert client.post(URL).status_code == 405
    assert not Event.objects.filter(kind="organization.exported").exists()
