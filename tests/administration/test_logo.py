"""The organisation's logo: kept in the database, checked (a real PNG, an SVG without scripts,
a size limit, a text alternative), and carried by every document unless --logo says otherwise."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.organisation.models import OrganisationLogo
from styrkort.reports.builders import build_followup_report
from styrkort.reports.renderers.html import render_followup_html
from tests.administration.test_users import url
from tests.builders import period, plan_with_items

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<rect width="10" height="10" fill="#14365d"/></svg>'
)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#14365d").save(out, format="PNG")
    return out.getvalue()


def upload(client, region, data, name="logo.png", alt="Regionens logotyp"):
    return client.post(
        url(region, "organisation"),
        {"action": "logo", "logo-file": SimpleUploadedFile(name, data), "logo-alt": alt},
    )


def test_a_png_is_kept_with_its_text_and_shown(region, admin):
    response = upload(admin, region, png())
    assert response.status_code == 302
    logo = OrganisationLogo.objects.get(organisation=region.org)
    assert bytes(logo.data) == png() and logo.content_type == "image/png"
    assert logo.alt == "Regionens logotyp"
    image = admin.get(url(region, "logo"))
    assert image["Content-Type"] == "image/png" and image.content == png()
    assert 'alt="Regionens logotyp"' in admin.get(url(region, "organisation")).content.decode()
    assert AuditEvent.objects.filter(
        model="organisation.organisationlogo", action="create"
    ).exists()


def test_a_clean_svg_is_kept_and_served_inert(region, admin):
    assert upload(admin, region, SVG, name="logo.svg").status_code == 302
    image = admin.get(url(region, "logo"))
    assert image["Content-Type"] == "image/svg+xml"
    assert "default-src 'none'" in image["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (SVG.replace(b"<rect", b"<script>alert(1)</script><rect"), "<script>"),
        (SVG.replace(b"<rect", b'<rect onload="alert(1)"'), "händelseattributet onload"),
        (
            SVG.replace(b"<rect", b'<image href="https://example.org/x.png"/><rect'),
            "länkar till något utanför",
        ),
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aa">]>' + SVG, "DOCTYPE"),
        (SVG.replace(b"<rect", b"<foreignObject/><rect"), "<foreignobject>"),
        (b"\x89PNG\r\n\x1a\n" + b"inte en bild", "trasig"),
        (b"GIF89a....", "varken en PNG- eller en SVG-bild"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (600 * 1024), "högst 512 kB"),
    ],
)
def test_a_bad_file_is_refused_naming_why_and_nothing_is_kept(region, admin, data, why):
    events = AuditEvent.objects.count()
    response = upload(admin, region, data)
    text = response.content.decode()
    assert response.status_code == 200
    assert escape(why) in text and 'href="#id_logo-file"' in text
    assert not OrganisationLogo.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_logo_needs_a_text_alternative(region, admin):
    response = upload(admin, region, png(), alt="")
    assert "Textalternativ: beskriv logotypen" in response.content.decode()
    assert not OrganisationLogo.objects.exists()


@pytest.mark.parametrize("who", ["controller", "reader", "other_region_admin"])
def test_only_the_admin_sets_or_sees_it_here(region, as_user, who):
    client = as_user(who)
    assert upload(client, region, png()).status_code == 404
    assert client.get(url(region, "logo")).status_code == 404
    assert not OrganisationLogo.objects.exists()


def test_documents_carry_the_stored_logo(region, admin):
    plan_with_items(region, count=1)
    the_period = period(region)
    upload(admin, region, png(), alt="Region Jämtland Härjedalens logotyp")
    report = build_followup_report(viewer=SYSTEM, period=the_period)
    assert report.options.logo is not None
    assert report.options.logo.alt == "Region Jämtland Härjedalens logotyp"
    page = render_followup_html(report).decode()
    assert 'alt="Region Jämtland Härjedalens logotyp"' in page
    admin.post(url(region, "organisation"), {"action": "logo-remove"})
    assert build_followup_report(viewer=SYSTEM, period=the_period).options.logo is None
