"""The administration's tests use the region of tests/conftest.py and its named users:
- ``admin_user``: the organisation's admin; the only one who sees and uses these pages.
- ``controller``, ``reader``, ``hsn_editor``: members who get 404 here and change nothing.
- ``other_region_admin``: admin of another region; ours is not theirs (404).
"""

import pytest
from django.test import Client


@pytest.fixture
def as_user(region):
    def make(username):
        client = Client()
        client.force_login(region.users[username])
        return client

    return make


@pytest.fixture
def admin(as_user):
    return as_user("admin_user")
