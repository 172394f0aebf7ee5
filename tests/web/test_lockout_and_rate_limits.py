"""Login lockout per user name and address, the client address read behind the configured
proxy, and per-user rate limits answered 429 in Swedish with Retry-After."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import reverse

from styrkort.core.models import RateCounter

OFFICE = "198.51.100.7"  # one NAT address for the whole office
HOME = "203.0.113.20"


def _login(address: str, username: str, password: str, **headers: str) -> int:
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(reverse("web:login"), {"username": username, "password": password})
    return response.status_code


def _fail_five_times(username: str, address: str, **headers: str) -> None:
    for _ in range(5):
        _login(address, username, "fel-lösenord", **headers)


def test_five_wrong_passwords_lock_that_user_from_that_address_only(demo):
    _fail_five_times("hsn", OFFICE)
    assert _login(OFFICE, "hsn", "demo") == 429  # locked: axes answers 429 with its page
    assert _login(OFFICE, "run", "demo") == 302  # a colleague behind the same address
    assert _login(HOME, "hsn", "demo") == 302  # the same user from elsewhere


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_is_the_one_the_proxy_saw(demo):
    # nginx appends the address it saw; whatever the client wrote before it is ignored.
    proxy = "127.0.0.1"
    forged = {"HTTP_X_FORWARDED_FOR": f"10.9.9.9, {OFFICE}"}
    _fail_five_times("hsn", proxy, **forged)
    assert _login(proxy, "hsn", "demo", HTTP_X_FORWARDED_FOR=f"10.1.1.1, {OFFICE}") == 429
    assert _login(proxy, "hsn", "demo", HTTP_X_FORWARDED_FOR=HOME) == 302
    assert _login(proxy, "run", "demo", HTTP_X_FORWARDED_FOR=OFFICE) == 302


def test_without_a_trusted_proxy_a_forwarded_header_is_not_believed(demo):
    from django.test import RequestFactory

    from styrkort.core.clientip import client_address

    request = RequestFactory().get("/", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=HOME)
    assert client_address(request) == OFFICE
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert client_address(request) == HOME
        request.META["HTTP_X_FORWARDED_FOR"] = "inte-en-adress"
        assert client_address(request) == OFFICE


@pytest.fixture
def reader(client, demo):
    client.force_login(get_user_model().objects.get(username="reader"))
    return client


@override_settings(RATE_LIMITS={"search": 3, "documents": 0, "api": 0})
def test_search_past_the_limit_answers_429_in_swedish_with_retry_after(reader, demo, client):
    url = reverse("web:search", args=[demo.organisation.slug])
    for _ in range(3):
        assert reader.get(url, {"q": "budget"}).status_code == 200
    response = reader.get(url, {"q": "budget"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "För många sökningar: högst 3 i minuten" in response.content.decode()
    # Counted in the database (shared by every app process), per user: another user may search.
    assert RateCounter.objects.get(key__startswith="search:user:").count == 3
    other = Client()
    other.force_login(get_user_model().objects.get(username="controller"))
    assert other.get(url, {"q": "budget"}).status_code == 200
    # The search page without a query is not a search.
    assert reader.get(url).status_code == 200


@override_settings(RATE_LIMITS={"search": 0, "documents": 2, "api": 0})
def test_documents_past_the_limit_answer_429(reader, demo):
    from styrkort.followup.models import FollowUpPeriod

    period = FollowUpPeriod.objects.get(name="Helår 2024")
    url = reverse("reports:followup-download", args=[demo.organisation.slug, period.pk, "csv"])
    assert reader.get(url).status_code == 200
    assert reader.get(url).status_code == 200
    response = reader.get(url)
    assert response.status_code == 429 and "Retry-After" in response
    assert "För många dokument" in response.content.decode()


@override_settings(RATE_LIMITS={"search": 0, "documents": 0, "api": 2})
def test_the_api_past_the_limit_answers_429_json_with_retry_after(demo):
    from tests.api.conftest import ApiClient, token_of

    api = ApiClient(token_of(get_user_model().objects.get(username="reader")))
    assert api.get("/organisations").status_code == 200
    assert api.get("/organisations").status_code == 200
    response = api.get("/organisations")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert response.json()["detail"].startswith("För många anrop till API:t: högst 2 i minuten")
    # The public is counted per address, apart from the user.
    assert ApiClient().get("/organisations").status_code == 200
