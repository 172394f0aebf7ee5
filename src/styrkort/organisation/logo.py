"""Checking an uploaded logo: a real PNG, or an SVG that holds nothing but a picture.

An SVG is a document that can run scripts and fetch from elsewhere when a browser or a
renderer opens it. Refused here: a DOCTYPE or entities (no entity expansion, no external
entities), script and foreignObject and the other embedding elements, event attributes
(onload=…), links that leave the file (href other than "#…" or an embedded data:image), and
style that imports or points at javascript:.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError

LOGO_MAX_BYTES = 512 * 1024
PNG = "image/png"
SVG = "image/svg+xml"
_SVG_NS = "{http://www.w3.org/2000/svg}"
_FORBIDDEN = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_HREF = re.compile(r"^\s*(#|data:image/(png|jpeg|gif);base64,)", re.IGNORECASE)


def logo_content_type(data: bytes) -> str:
    """PNG or SVG, checked; ValidationError saying what is wrong, in Swedish, otherwise."""
    if not data:
        raise ValidationError({"data": "Logotyp: välj en fil."})
    if len(data) > LOGO_MAX_BYTES:
        raise ValidationError(
            {
                "data": f"Logotyp: filen är {len(data) // 1024} kB; den får vara högst "
                f"{LOGO_MAX_BYTES // 1024} kB."
            }
        )
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _check_png(data)
        return PNG
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        _check_svg(data)
        return SVG
    raise ValidationError({"data": "Logotyp: filen är varken en PNG- eller en SVG-bild."})


def _check_png(data: bytes) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            fmt, size = image.format, image.size
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise ValidationError(
            {"data": "Logotyp: PNG-filen är trasig och går inte att läsa."}
        ) from exc
    if fmt != "PNG" or not all(0 < side <= 10_000 for side in size):
        raise ValidationError({"data": "Logotyp: PNG-bilden har en orimlig storlek."})


def _refuse(why: str) -> ValidationError:
    return ValidationError({"data": f"Logotyp: SVG-filen godtas inte: {why}."})


def _check_svg(data: bytes) -> None:
    lowered = data.lower()
    if b"<!doctype" in lowered or b"<!entity" in lowered:
        raise _refuse("den har en DOCTYPE eller entiteter")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise _refuse(f"den är inte giltig XML ({exc})") from exc
    if root.tag != f"{_SVG_NS}svg":
        raise _refuse("den är ingen SVG-bild (roten är inte <svg>)")
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        if name in _FORBIDDEN:
            raise _refuse(f"den innehåller <{name}>")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1].lower()
            if local.startswith("on"):
                raise _refuse(f"den har händelseattributet {local}")
            if local == "href" and not _HREF.match(value):
                raise _refuse("den länkar till något utanför filen")
            if "javascript:" in value.lower() or "@import" in value.lower():
                raise _refuse("den innehåller javascript: eller @import")
        if name == "style" and element.text:
            style = element.text.lower()
            if (
                "@import" in style
                or "javascript:" in style
                or re.search(r"url\(\s*['\"]?(?!#)", style)
            ):
                raise _refuse("dess stilmall hämtar något utifrån")
