"""The board report form: body, date, what counts as new, sections, a free-text slide."""

from __future__ import annotations

from typing import Any

from django import forms

from styrkort.core.forms import Form
from styrkort.organisation.models import Body, Organisation, Position
from styrkort.reports.board import SECTIONS
from styrkort.reports.renderers import BOARD_FORMATS


class BoardReportForm(Form):
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label="Nämnd eller styrelse")
    date = forms.DateField(label="Rapportens datum", widget=forms.DateInput(attrs={"type": "date"}))
    since = forms.DateField(
        label="Nytt sedan",
        required=False,
        help_text="Lämna tomt för att räkna från förra rapporten (eller tre månader bakåt).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    presenter = forms.ModelChoiceField(
        queryset=Position.objects.none(),
        required=False,
        label="Föredragande",
        empty_label="Presidiets första ledamot",
    )
    sections = forms.MultipleChoiceField(
        choices=list(SECTIONS.items()),
        required=False,
        label="Avsnitt",
        widget=forms.CheckboxSelectMultiple,
    )
    free_title = forms.CharField(label="Egen bild: rubrik", required=False, max_length=200)
    free_text = forms.CharField(
        label="Egen bild: text",
        required=False,
        max_length=3000,
        help_text="En punkt per rad; dra in en rad med två mellanslag för en underpunkt.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    record = forms.BooleanField(
        label="Spara som given rapport, så att nästa rapport räknar nytt härifrån",
        required=False,
        initial=True,
    )
    format = forms.ChoiceField(
        label="Format", choices=[(f.name, f.label) for f in BOARD_FORMATS.values()]
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        self.fields["presenter"].queryset = (  # type: ignore[attr-defined]
            Position.objects.filter(body__organisation=organisation)
            .select_related("person", "body")
            .order_by("body__order", "order", "person__name")
        )
        self.fields["presenter"].label_from_instance = (  # type: ignore[attr-defined]
            lambda p: f"{p.person.name}, {p.title} ({p.body.abbreviation})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body, presenter = data.get("body"), data.get("presenter")
        if body and presenter and presenter.body_id != body.pk:
            self.add_error("presenter", "Föredraganden har inget uppdrag i den valda nämnden.")
        since, date = data.get("since"), data.get("date")
        if since and date and since >= date:
            self.add_error("since", "”Nytt sedan” måste ligga före rapportens datum.")
        return data
