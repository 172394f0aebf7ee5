"""The language convention (README, Architecture): what Django itself shows of a model (its
names, its fields' names and help, its choices) is an English msgid translated in locale/sv.
`make lint` checks that every entry of the catalogue is translated; this checks that every
such text of every styrkort model is in the catalogue, so none reaches a screen in English."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from django.apps import apps
from django.utils.functional import Promise
from django.utils.translation import override

PO = Path(__file__).resolve().parents[1] / "src/styrkort/locale/sv/LC_MESSAGES/django.po"


def _catalogue() -> set[str]:
    with PO.open("rb") as f:
        return {m.id for m in read_po(f) if m.id and m.string}


def _texts(model) -> list[tuple[str, object, bool]]:
    """(where, text, is Django's default made from a code name) for what Django shows."""
    meta = model._meta
    found: list[tuple[str, object, bool]] = [
        (f"{meta.label}: verbose_name", meta.verbose_name, False),
        (f"{meta.label}: verbose_name_plural", meta.verbose_name_plural, False),
    ]
    for field in meta.get_fields(include_hidden=False):
        if field.auto_created or not field.concrete or field.primary_key:
            continue
        where = f"{meta.label}.{field.name}"
        default = field.verbose_name == field.name.replace("_", " ")
        found.append((f"{where}: verbose_name", field.verbose_name, default))
        if field.help_text:
            found.append((f"{where}: help_text", field.help_text, False))
        for _value, label in field.flatchoices or ():
            found.append((f"{where}: choice", label, False))
    return found


def test_every_model_text_django_shows_has_a_swedish_translation():
    catalogue = _catalogue()
    missing = []
    for model in apps.get_models():
        if not model.__module__.startswith("styrkort."):
            continue
        for where, text, default in _texts(model):
            if isinstance(text, Promise):
                with override("en"):
                    english = str(text)
                if english not in catalogue:
                    missing.append(f"{where}: {english!r}")
            elif default:
                # Django made it from the field's name: English on the screen.
                missing.append(f"{where}: {text!r} (no verbose_name given)")
    assert not missing, "untranslated (add to locale/sv and compile):\n" + "\n".join(missing)
