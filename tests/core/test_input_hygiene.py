"""Text with NUL or other control characters is refused where it comes in (forms, the API,
the importers) with the field or line named; uploaded text files are decoded by what they are
(UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 only as a last resort, with a
warning), never with a 500."""

from __future__ import annotations

import codecs
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import styrkort
from styrkort.core.actors import SYSTEM
from styrkort.core.forms import CleanTextMixin
from styrkort.core.text import UndecodableText, decode_upload, forbidden_character
from styrkort.economy.models import UnitFigure
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.imports.figures import import_figures
from styrkort.planning.models import PlanItem

HEADER = "Typ;Period;Namn;Värde"
ROW = "utfall;Tertial 1 2025;Vårdval;12 mkr"


def _all_form_classes() -> list[type]:
    found = []
    for module in pkgutil.walk_packages(styrkort.__path__, "styrkort."):
        if ".migrations" in module.name or module.name.endswith("test_settings"):
            continue
        loaded = importlib.import_module(module.name)
        for _, value in inspect.getmembers(loaded, inspect.isclass):
            if (
                issubclass(value, forms.BaseForm)
                and value.__module__ == loaded.__name__
                and value.__module__.startswith("styrkort.")
            ):
                found.append(value)
    return found


def test_every_form_of_styrkort_guards_its_text_fields():
    classes = _all_form_classes()
    assert len(classes) >= 10, classes  # the walk found the forms, not nothing
    unguarded = [c.__qualname__ for c in classes if not issubclass(c, CleanTextMixin)]
    assert unguarded == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vanlig text\tmed tabb\r\noch radbrytning", None),
        ("NUL\x00här", (4, "U+0000 (NUL)")),
        ("klocka\x07", (7, "U+0007 (styrtecken)")),
        ("C1\x85", (3, "U+0085 (styrtecken)")),
        ("ensam \ud800", (7, "U+D800 (ensamt surrogattecken)")),
    ],
)
def test_forbidden_characters_are_found_and_named(text, expected):
    assert forbidden_character(text) == expected


def test_the_web_form_refuses_a_nul_naming_the_field_and_saves_nothing(client, demo):
    period = FollowUpPeriod.objects.get(name="Helår 2024")
    item = PlanItem.objects.filter(
        plan_version__plan__year=2024, receivers__abbreviation="HSN"
    ).first()
    client.force_login(get_user_model().objects.get(username="hsn"))
    before = Assessment.objects.filter(period=period, item=item, body__abbreviation="HSN").first()
    url = reverse("followup:edit", args=[demo.organisation.slug, period.pk, item.pk, "HSN"])
    response = client.post(
        url, {"comment": "Text\x00med NUL", "version": before.version if before else 0}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fältet Kommentar innehåller ett otillåtet styrtecken, U+0000 (NUL)" in html
    after = Assessment.objects.filter(period=period, item=item, body__abbreviation="HSN").first()
    assert (after.version if after else None) == (before.version if before else None)


def test_the_login_form_refuses_control_characters_without_a_500(client, demo):
    response = client.post(reverse("web:login"), {"username": "hsn\x00", "password": "demo"})
    assert response.status_code == 200
    assert "Fältet Användarnamn innehåller ett otillåtet styrtecken" in response.content.decode()


def test_the_search_box_refuses_control_characters_with_a_message(client, demo):
    client.force_login(get_user_model().objects.get(username="reader"))
    url = reverse("web:search", args=[demo.organisation.slug])
    response = client.get(url, {"q": "RS/673\x00"})
    assert response.status_code == 200
    assert "Sökfrågan innehåller ett otillåtet styrtecken" in response.content.decode()


def test_the_api_refuses_a_control_character_naming_the_field(demo):
    from tests.api.conftest import ApiClient, token_of

    hsn = get_user_model().objects.get(username="hsn")
    api = ApiClient(token_of(hsn))
    period = FollowUpPeriod.objects.get(name="Helår 2024")
    item = PlanItem.objects.filter(
        plan_version__plan__year=2024, receivers__abbreviation="HSN"
    ).first()
    response = api.post(
        f"/organisations/{demo.organisation.slug}/assessments",
        {"period": period.pk, "item": item.pk, "body": "HSN", "comment": "pling\x07"},
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "comment"
    assert "otillåtet styrtecken, U+0007" in error["message"]


def test_decoding_utf8_with_and_without_bom_and_utf16():
    text = "Typ;Namn\nutfall;Vårdval – Östersund\n"
    assert decode_upload(text.encode("utf-8")) == (text, "UTF-8", [])
    assert decode_upload(codecs.BOM_UTF8 + text.encode("utf-8")) == (text, "UTF-8", [])
    assert decode_upload(text.encode("utf-16")) == (text, "UTF-16", [])  # with its BOM
    assert decode_upload(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))[0] == text


def test_windows_1252_is_the_last_resort_with_a_warning():
    text, encoding, warnings = decode_upload("Vårdval;12 mkr – ök".encode("cp1252"))
    assert (text, encoding) == ("Vårdval;12 mkr – ök", "Windows-1252")
    assert "Windows-1252" in warnings[0]


def test_bytes_no_encoding_reads_are_refused_naming_the_line():
    with pytest.raises(UndecodableText) as refused:
        decode_upload(b"Typ;Namn\nutfall;V\x81rdval\n")
    assert refused.value.line == 2 and "0x81" in refused.value.message
    with pytest.raises(UndecodableText) as mixed:
        decode_upload("rad ett: å\n".encode() + b"rad tv\xe5\n")
    assert mixed.value.line == 2 and "blandar teckenkodningar" in mixed.value.message


@pytest.fixture
def org(demo):
    return demo.organisation


def test_figures_read_utf16_with_bom_instead_of_as_windows_1252(org):
    data = f"{HEADER}\n{ROW}\n".encode("utf-16")
    result = import_figures(actor=SYSTEM, organisation=org, name="t1.csv", data=data)
    assert result.ok, result.summary()
    assert result.notes == []
    assert UnitFigure.objects.get().amount == 12_000_000


def test_figures_with_bytes_windows_1252_lacks_get_a_message_not_a_500(client, org):
    client.force_login(get_user_model().objects.get(username="controller"))
    data = f"{HEADER}\n".encode() + b"utfall;Tertial 1 2025;V\x8drdval;12 mkr\n"
    response = client.post(
        reverse("imports:figures", args=[org.slug]), {"file": SimpleUploadedFile("t.csv", data)}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "0x8D" in html and "<td>2</td>" in html
    assert not UnitFigure.objects.exists()


def test_figures_refuse_a_control_character_in_a_cell_naming_row_and_column(org):
    data = f"{HEADER}\n{ROW}\nutfall;Tertial 1 2025;Vård\x1bval;1 mkr\n".encode()
    result = import_figures(actor=SYSTEM, organisation=org, name="t1.csv", data=data)
    assert not result.ok
    problem = result.problems[0]
    assert (problem.row, problem.column) == (3, "Namn")
    assert "U+001B" in problem.message
    assert not UnitFigure.objects.exists()
