"""Limits that protect everyone: uploads stopped at the byte limit while they stream in,
XLSX files checked for their unpacked size before openpyxl opens them, at most 20 000 rows
read, and at most 100 errors listed with the rest counted."""

from __future__ import annotations

import io
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from styrkort.core.actors import SYSTEM
from styrkort.core.limits import MAX_ROWS
from styrkort.economy.models import UnitFigure
from styrkort.exchange.xlsx import read_sheet
from styrkort.imports.figures import import_figures

HEADER = "Typ;Period;Namn;Värde"


@pytest.fixture
def org(demo):
    return demo.organisation


@pytest.fixture
def controller(client, demo):
    client.force_login(get_user_model().objects.get(username="controller"))
    return client


def _temp_files() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("*.upload*")}


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_an_upload_past_the_limit_is_stopped_with_a_swedish_message(controller, org):
    before = _temp_files()
    big = HEADER.encode() + b"\n" + b"utfall;Tertial 1 2025;Vardval;1\n" * 80_000  # 2.6 MB
    response = controller.post(
        reverse("imports:figures", args=[org.slug]), {"file": SimpleUploadedFile("t.csv", big)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Filen är större än 1 MB och lästes inte in" in html
    assert not UnitFigure.objects.exists()
    assert _temp_files() == before  # the partial temporary file is gone


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_an_upload_under_the_limit_still_goes_through(controller, org):
    good = f"{HEADER}\nutfall;Tertial 1 2025;Vårdval;12 mkr\n".encode()
    response = controller.post(
        reverse("imports:figures", args=[org.slug]), {"file": SimpleUploadedFile("t.csv", good)}
    )
    assert "1 rader lästa, 1 ändrade" in response.content.decode().replace("\xa0", " ")


def _zip_bomb() -> bytes:
    """A workbook-shaped zip whose one part unpacks to 120 MB of zeros (about 120 kB packed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w") as part:
            chunk = b"0" * (1024 * 1024)
            for _ in range(120):
                part.write(chunk)
    return out.getvalue()


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_opened(org):
    data = _zip_bomb()
    assert len(data) < 1024 * 1024
    result = import_figures(actor=SYSTEM, organisation=org, name="t.xlsx", data=data)
    assert not result.ok
    assert "packas upp till 120 MB" in result.problems[0].message
    sheet = read_sheet(data)
    assert "packas upp till 120 MB" in sheet.problems[0].message


def _many_rows_xlsx(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Typ", "Period", "Namn", "Värde"])
    for n in range(rows):
        sheet.append(["utfall", "Tertial 1 2025", f"Enhet {n}", n])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_sheet_with_too_many_rows_is_refused_quickly_with_one_short_message(controller, org):
    data = _many_rows_xlsx(MAX_ROWS + 5_000)
    started = time.perf_counter()
    response = controller.post(
        reverse("imports:figures", args=[org.slug]), {"file": SimpleUploadedFile("t.xlsx", data)}
    )
    elapsed = time.perf_counter() - started
    html = response.content.decode().replace("\xa0", " ")
    assert response.status_code == 200
    assert "filen har fler än 20 000 rader" in html
    assert len(response.content) < 50_000  # one message, not a page per row
    assert elapsed < 60  # reading stops at the limit (was 117 s for 200 000 rows)


def test_only_the_first_hundred_errors_are_listed_and_the_rest_counted(controller, org):
    rows = [HEADER] + [f"fel;Tertial 1 2025;Vårdval;{n}" for n in range(150)]
    data = ("\n".join(rows) + "\n").encode()
    result = import_figures(actor=SYSTEM, organisation=org, name="t.csv", data=data)
    assert len(result.problems) == 100 and result.more_problems == 50
    assert result.summary().startswith("Inget importerades: 150 fel i filen.")
    assert result.summary().endswith("… och 50 fler fel")
    response = controller.post(
        reverse("imports:figures", args=[org.slug]), {"file": SimpleUploadedFile("t.csv", data)}
    )
    html = response.content.decode()
    assert html.count("<tr><td>") == 100
    assert "… och 50 fler fel" in html
