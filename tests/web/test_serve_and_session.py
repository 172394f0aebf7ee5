"""`styrkort serve` sizes itself from the machine unless told; the session slides with use,
written at most once a minute."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.urls import reverse

from styrkort.web.management.commands import serve


def test_serve_sizes_workers_from_the_processors_and_reads_the_environment(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("STYRKORT_THREADS", raising=False)
    monkeypatch.setattr(serve, "processors", lambda: 2)
    assert serve.sizing() == (3, 4)
    monkeypatch.setattr(serve, "processors", lambda: 1)
    assert serve.sizing() == (2, 4)
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("STYRKORT_THREADS", "8")
    assert serve.sizing() == (5, 8)
    monkeypatch.setenv("WEB_CONCURRENCY", "många")
    with pytest.raises(CommandError, match="WEB_CONCURRENCY='många' ska vara ett heltal"):
        serve.sizing()


def test_serve_reads_its_address():
    assert serve._bind("0.0.0.0:8080") == "0.0.0.0:8080"
    assert serve._bind("8001") == "127.0.0.1:8001"
    assert serve._bind("unix:/run/styrkort.sock") == "unix:/run/styrkort.sock"
    with pytest.raises(CommandError, match="ADRESS:PORT"):
        serve._bind("127.0.0.1:http")


def test_a_session_lasts_a_working_day_and_slides_at_most_once_a_minute(client, demo, settings):
    assert settings.SESSION_COOKIE_AGE == 9 * 3600
    response = client.post(reverse("web:login"), {"username": "reader", "password": "demo"})
    assert response.status_code == 302
    touched = client.session["_touched"]
    assert abs(touched - time.time()) < 60
    client.get(reverse("web:home"), follow=True)
    assert client.session["_touched"] == touched  # within the minute: not written again
    session = client.session
    session["_touched"] = touched - 120
    session.save()
    response = client.get(reverse("web:organisation", args=[demo.organisation.slug]))
    assert response.status_code == 200
    assert client.session["_touched"] >= touched  # renewed, and the cookie with it
    assert response.cookies["sessionid"]["max-age"] == 9 * 3600


def test_a_logged_in_user_sees_no_change_in_behaviour_when_logged_in_by_force(client, demo):
    client.force_login(get_user_model().objects.get(username="reader"))
    response = client.get(reverse("web:organisation", args=[demo.organisation.slug]))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies  # nothing to renew: no extra write per request
