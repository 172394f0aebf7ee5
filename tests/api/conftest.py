"""Fixtures for the API: a client that speaks JSON with or without a personal token.

Who is who comes from the shared fixtures (``region``: controller, hsn_editor, hsn_approver,
reader, …; ``demo``: the demo region's users, password ``demo``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from styrkort.api.services import token_create

API = "/api/v1"


class ApiClient:
    """A JSON client for the API. `as_user` gives it a token of that user."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.token = token

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(API + path, params or {}, headers=self.headers(headers))

    def send(self, method: str, path: str, data: Any, **headers: str) -> Any:
        return getattr(self.client, method)(
            API + path,
            json.dumps(data),
            content_type="application/json",
            headers=self.headers(headers),
        )

    def post(self, path: str, data: Any, **headers: str) -> Any:
        return self.send("post", path, data, **headers)

    def put(self, path: str, data: Any, **headers: str) -> Any:
        return self.send("put", path, data, **headers)


def token_of(user: Any, name: str = "Test") -> str:
    _, secret = token_create(actor=user, name=name)
    return secret


@pytest.fixture
def anonymous() -> ApiClient:
    return ApiClient()


@pytest.fixture
def as_user():
    """as_user(user_or_username) -> an ApiClient with a fresh token of that user."""

    def make(user: Any) -> ApiClient:
        if isinstance(user, str):
            user = get_user_model().objects.get(username=user)
        return ApiClient(token_of(user))

    return make
