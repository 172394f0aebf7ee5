"""Every page carries a Content-Security-Policy that htmx works under (scripts only from our
static files, no inline script, no eval; the status colours' <style> with the request's nonce)
and a Permissions-Policy; no page has an inline script, an event handler attribute or a style
attribute."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from styrkort.followup.models import FollowUpPeriod
from styrkort.planning.models import PlanItem


@pytest.fixture
def pages(client, demo):
    client.force_login(get_user_model().objects.get(username="admin"))
    org = demo.organisation.slug
    period = FollowUpPeriod.objects.get(name="Helår 2024")
    item = PlanItem.objects.filter(
        plan_version__plan__year=2024, receivers__abbreviation="HSN"
    ).first()
    return [
        reverse("web:organisation", args=[org]),
        reverse("followup:matrix", args=[org, period.pk]),
        reverse("followup:item", args=[org, period.pk, item.pk]),
        reverse("followup:progress", args=[org, period.pk]),
        reverse("followup:indicators", args=[org, period.pk]),
        reverse("reports:followup-view", args=[org, period.pk]),
        reverse("economy:index", args=[org]),
        reverse("planning:index", args=[org]),
        reverse("register:cases", args=[org]),
        reverse("web:search", args=[org]) + "?q=budget",
        reverse("reports:board", args=[org]),
        reverse("api-tokens"),
    ]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_pages_carry_a_strict_policy_and_nothing_inline_needs_loosening(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["style-src"] and "'unsafe-eval'" not in str(policy)
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert "camera=()" in response["Permissions-Policy"]
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        for tag in re.findall(r"<style[^>]*>", html):
            nonce = re.search(r'nonce="([^"]+)"', tag)
            assert nonce and f"'nonce-{nonce.group(1)}'" in policy["style-src"], (url, tag)


def test_htmx_is_told_not_to_evaluate_or_inject(client, pages):
    html = client.get(pages[1]).content.decode()
    assert '"allowEval": false' in html and '"includeIndicatorStyles": false' in html
    assert "web/vendor/htmx-2.min.js" in html


def test_the_login_page_has_the_headers_too(client, demo):
    response = client.get(reverse("web:login"))
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response
