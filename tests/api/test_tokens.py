"""Personal API tokens: created, listed and revoked by their owner, stored as a hash, audited;
a revoked or unknown token gets 401."""

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from styrkort.api.models import ApiToken
from styrkort.api.services import token_create, token_revoke, token_touch
from styrkort.core.models import AuditEvent
from tests.api.conftest import ApiClient
from tests.factories import UserFactory


def test_token_is_stored_as_its_sha256_digest_never_the_secret(region):
    token, secret = token_create(actor=region.reader, name="  Rapportverktyget  ")
    assert secret.startswith(f"styrkort_{token.prefix}_") and len(secret) > 40
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.name == "Rapportverktyget"
    assert secret not in {str(v) for v in stored.__dict__.values()}


def test_creating_and_revoking_are_audited_in_the_users_organisation(region):
    token, _ = token_create(actor=region.reader, name="Synk")
    token_revoke(actor=region.reader, token=token)
    events = AuditEvent.objects.filter(model="api.apitoken", object_id=str(token.pk))
    assert [(e.action, e.organisation_id, e.actor_id) for e in events] == [
        ("create", region.org.pk, region.reader.pk),
        ("revoke", region.org.pk, region.reader.pk),
    ]
    assert "Synk" in events[0].changes["name"]


def test_token_needs_a_name_and_a_role_somewhere(region):
    with pytest.raises(ValidationError) as exc:
        token_create(actor=region.reader, name="   ")
    assert "namn" in exc.value.message_dict["name"][0]
    outsider = UserFactory(username="utan_roll")
    with pytest.raises(ValidationError, match="ingen roll"):
        token_create(actor=outsider, name="Något")
    assert not ApiToken.objects.exists()


def test_only_the_owner_revokes_a_token_and_nothing_changes_otherwise(region):
    token, _ = token_create(actor=region.reader, name="Läsarens")
    with pytest.raises(PermissionDenied):
        token_revoke(actor=region.controller, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None
    assert ApiToken.objects.get(pk=token.pk).is_active


def test_revoking_twice_is_refused(region):
    token, _ = token_create(actor=region.reader, name="En gång")
    token_revoke(actor=region.reader, token=token)
    with pytest.raises(ValidationError, match="redan återkallad"):
        token_revoke(actor=region.reader, token=token)


def test_revoked_unknown_and_malformed_tokens_get_401_with_a_swedish_message(region):
    token, secret = token_create(actor=region.reader, name="Snart återkallad")
    ok = ApiClient(secret).get("/organisations")
    assert ok.status_code == 200
    token_revoke(actor=region.reader, token=token)
    for client in (
        ApiClient(secret),
        ApiClient(secret[:-1] + ("A" if secret[-1] != "A" else "B")),
    ):
        response = client.get("/organisations")
        assert response.status_code == 401
        assert response.json()["detail"] == "Ogiltig, okänd eller återkallad API-nyckel."
        assert response["WWW-Authenticate"].startswith("Bearer")
    basic = ApiClient().get("/organisations", Authorization="Basic dXNlcjpwYXNz")
    assert basic.status_code == 401  # never silently the public


def test_a_deactivated_users_token_stops_working(region):
    _, secret = token_create(actor=region.reader, name="Avslutad anställning")
    region.reader.is_active = False
    region.reader.save()
    assert ApiClient(secret).get("/organisations").status_code == 401


def test_last_use_is_noted_at_most_once_a_minute(region):
    token, secret = token_create(actor=region.reader, name="Flitig")
    ApiClient(secret).get("/organisations")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < dt.timedelta(seconds=30)
    assert token_touch(token=token, now=first + dt.timedelta(seconds=30)) is False
    assert token_touch(token=token, now=first + dt.timedelta(minutes=2)) is True


# The token page


def test_token_page_needs_login(client):
    response = client.get("/konto/api-nycklar/")
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_user_creates_a_token_and_sees_the_secret_once(client, region):
    client.force_login(region.hsn_editor)
    response = client.post("/konto/api-nycklar/", {"name": "Intranätet"})
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    token = ApiToken.objects.get(user=region.hsn_editor)
    secret = html.split('id="new-token" value="')[1].split('"')[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.digest
    assert "visas bara den här gången" in html
    again = client.get("/konto/api-nycklar/").content.decode()
    assert "Intranätet" in again and f"styrkort_{token.prefix}…" in again
    assert secret not in again
    assert ApiClient(secret).get("/organisations").status_code == 200


def test_token_page_names_the_field_when_the_name_is_missing(client, region):
    client.force_login(region.reader)
    response = client.post("/konto/api-nycklar/", {"name": ""})
    assert response.status_code == 422
    assert "Ge nyckeln ett namn." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_user_revokes_own_token_but_not_someone_elses(client, region):
    mine, secret = token_create(actor=region.reader, name="Min")
    theirs, _ = token_create(actor=region.controller, name="Controllerns")
    client.force_login(region.reader)
    response = client.post(f"/konto/api-nycklar/{theirs.pk}/aterkalla/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    response = client.post(f"/konto/api-nycklar/{mine.pk}/aterkalla/", follow=True)
    assert "Nyckeln Min är återkallad" in response.content.decode()
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert ApiClient(secret).get("/organisations").status_code == 401
    assert client.get(f"/konto/api-nycklar/{mine.pk}/aterkalla/").status_code == 405


def test_navigation_links_to_the_token_page(client, region):
    client.force_login(region.reader)
    html = client.get("/konto/api-nycklar/").content.decode()
    assert '<a href="/konto/api-nycklar/" aria-current="page">API-nycklar</a>' in html
    assert '<html lang="sv">' in html and "<h1>API-nycklar</h1>" in html
