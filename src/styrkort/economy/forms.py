from django import forms

from styrkort.core.forms import Form
from styrkort.core.money import MoneyParseError, parse_sek
from styrkort.organisation.models import Unit


class SekField(forms.CharField):
    """An amount typed the Swedish way ("7,2 mkr", "175 tkr", "1 234 567 kr")."""

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_sek(value, unit="kr")
        except MoneyParseError as exc:
            raise forms.ValidationError(str(exc)) from exc


class ReallocationForm(Form):
    from_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="Från enhet")
    to_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label="Till enhet")
    amount = SekField(
        label="Belopp",
        help_text="T.ex. 7,2 mkr, 175 tkr eller 1 234 567 kr.",
        error_messages={"required": "Ange ett belopp."},
    )
    decided_on = forms.DateField(
        label="Beslutsdatum",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Ange beslutsdatum.",
            "invalid": "Ange ett datum (ÅÅÅÅ-MM-DD).",
        },
    )
    decision_reference = forms.CharField(
        label="Beslut (diarienummer)", max_length=50, help_text="T.ex. RS/673/2024."
    )
    reason = forms.CharField(label="Skäl", widget=forms.Textarea(attrs={"rows": 3}))
    allow_below_zero = forms.BooleanField(
        label="Tillåt att enheten hamnar under noll", required=False
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        ids = [u.pk for u in units]
        self.fields["from_unit"].queryset = Unit.objects.filter(pk__in=ids).order_by("order")
        self.fields["to_unit"].queryset = Unit.objects.filter(pk__in=ids).order_by("order")
