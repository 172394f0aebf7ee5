"""The page benchmark's bare view lives in scripts/bench_urls.py, never in styrkort's URLs."""

import pytest
from django.urls import Resolver404, resolve


def test_the_benchmarks_bare_view_is_not_served_in_production(client, db):
    with pytest.raises(Resolver404):
        resolve("/__bare/")
    assert client.get("/__bare/").status_code == 404
