"""What every form of styrkort shares: text fields that refuse control characters.

Every form in the project derives from `Form` here (or mixes in `CleanTextMixin` beside a
Django form class it must extend, such as the login form). Each text field then refuses NUL
and the other control characters (core.text.forbidden_character) with a Swedish message
naming the field, instead of Django's generic "Null characters are not allowed" for NUL alone
and nothing at all for the rest. A test walks every form class in the package to keep it so.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from styrkort.core.text import control_character_message


class NoControlCharacters:
    """A field validator: the value may hold no control character (tab and line breaks may)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def __call__(self, value: Any) -> None:
        if not isinstance(value, str):
            return
        message = control_character_message(value, where=f"Fältet {self.label}")
        if message:
            raise ValidationError(message, code="control_character")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharacters) and other.label == self.label


def guard_text_fields(fields: dict[str, forms.Field]) -> None:
    """Give every text field of a form (a fresh copy per form instance) the validator."""
    for name, field in fields.items():
        if isinstance(field, forms.CharField):
            label = str(field.label or name.replace("_", " ").capitalize())
            field.validators = [
                v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
            ]
            field.validators.append(NoControlCharacters(label))


class CleanTextMixin:
    """Mix into a Django form: its text fields refuse control characters (see module doc)."""

    fields: dict[str, Any]  # a ModelChoiceField among them has a queryset to set

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        guard_text_fields(self.fields)


class Form(CleanTextMixin, forms.Form):
    """The base of every form in styrkort."""


class MarkErrorsForm(Form):
    """A form whose fields point to their hint and error (aria-describedby) and say they are
    wrong (aria-invalid), so a screen reader reads the message with the field. The
    administration's forms and Mitt konto's password forms (beside Django's own classes) use
    it. A group of checkboxes is described by its fieldset, not each box."""

    def full_clean(self) -> None:
        super().full_clean()
        self._mark_errors()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        self._mark_errors()

    def _mark_errors(self) -> None:
        errors = getattr(self, "_errors", None)
        if errors is None:
            return
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if name in errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids and not isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["aria-describedby"] = " ".join(ids)
