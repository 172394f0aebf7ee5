"""The imports' forms: labels and messages in Swedish, each naming its field."""

from __future__ import annotations

from typing import Any

from django import forms

from styrkort.core.forms import Form
from styrkort.organisation.models import Body, Organisation


class PlanSheetForm(Form):
    """A plan sheet for a body and a year."""

    body = forms.ModelChoiceField(
        queryset=Body.objects.none(),
        label="Nämnd",
        help_text="Planen som punkterna läses in i; den skapas om nämnden inte har någon för året.",
        error_messages={"required": "Välj nämnden.", "invalid_choice": "Välj en nämnd i listan."},
    )
    year = forms.IntegerField(
        label="År",
        min_value=1990,
        max_value=2100,
        error_messages={
            "required": "Ange året.",
            "invalid": "År: skriv ett årtal, t.ex. 2026.",
            "min_value": "År: skriv ett årtal från 1990.",
            "max_value": "År: skriv ett årtal till och med 2100.",
        },
    )
    file = forms.FileField(
        label="Fil (XLSX eller CSV)",
        help_text="En rad per punkt, med rubrikraden från mallen.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": "Välj en fil (XLSX eller CSV)."},
    )
    dry_run = forms.BooleanField(label="Bara kontrollera, spara inget", required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        body = self.fields["body"]
        assert isinstance(body, forms.ModelChoiceField)
        body.queryset = Body.objects.filter(organisation=organisation, is_active=True).order_by(
            "order", "name"
        )
