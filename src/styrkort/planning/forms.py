import re

from django import forms

from styrkort.core.forms import Form
from styrkort.organisation.models import Body
from styrkort.organisation.selectors import bodies_offered
from styrkort.planning.models import PlanItem

KOLADA_KPI = re.compile(r"[A-Z][0-9]{5}")


class PlanForm(Form):
    body = forms.ModelChoiceField(queryset=Body.objects.none(), label="Nämnd")
    year = forms.IntegerField(label="År", min_value=1990, max_value=2100)
    title = forms.CharField(label="Rubrik (valfri)", required=False, max_length=200)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A retired body gets no new plan: only the active ones are offered.
        self.fields["body"].queryset = bodies_offered(organisation=organisation)


class ItemForm(Form):
    kind = forms.ChoiceField(label="Typ", choices=PlanItem.Kind.choices)
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.ModelChoiceField(
        queryset=PlanItem.objects.none(), label="Hör till målet", required=False
    )
    receivers = forms.ModelMultipleChoiceField(
        queryset=Body.objects.none(),
        label="Mottagare (svarande nämnder)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label="Slutdatum (valfritt)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Ange ett datum (ÅÅÅÅ-MM-DD)."},
    )
    measure_unit = forms.CharField(label="Måttenhet (nyckeltal)", required=False, max_length=30)
    direction = forms.ChoiceField(
        label="Riktning (nyckeltal)", choices=PlanItem.Direction.choices, required=False
    )
    scope_note = forms.CharField(
        label="Avgränsning", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The example is in the label, not a separate hint, so screen readers announce it with
    # the field.
    kolada_kpi = forms.CharField(
        label="Id i Kolada (nyckeltal, valfritt, t.ex. N00945)",
        required=False,
        max_length=10,
    )
    target = forms.DecimalField(
        label="Målvärde för året (nyckeltal)",
        required=False,
        localize=True,
        error_messages={"invalid": "Ange målvärdet som ett tal, t.ex. 95 eller 12,5."},
    )

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        plan = version.plan
        # Goals only; a secret item is never offered (its text would show in the list).
        self.fields["parent"].queryset = version.items.filter(kind=PlanItem.Kind.GOAL, secret=False)
        # Active bodies, and a retired one only where it already answers for the item.
        self.fields["receivers"].queryset = bodies_offered(
            organisation=plan.organisation,
            kept=[b.pk for b in self.initial.get("receivers", [])],
        )

    def clean_kolada_kpi(self):
        value = "".join(self.cleaned_data.get("kolada_kpi", "").split()).upper()
        if value and not KOLADA_KPI.fullmatch(value):
            raise forms.ValidationError(
                f"{value} är inget Kolada-id: skriv en bokstav och fem siffror, t.ex. N00945."
            )
        return value

    def clean(self):
        data = super().clean() or {}
        if data.get("kind") != PlanItem.Kind.INDICATOR:
            data["kolada_kpi"] = ""
            data["measure_unit"] = ""
            data["direction"] = PlanItem.Direction.NONE
            data["target"] = None
        elif not data.get("direction"):
            data["direction"] = PlanItem.Direction.NONE
        return data


class AdoptForm(Form):
    adopted_on = forms.DateField(
        label="Fastställd den",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Ange datum.", "invalid": "Ange ett datum (ÅÅÅÅ-MM-DD)."},
    )
    decision_reference = forms.CharField(
        label="Beslut (diarienummer, valfritt)", required=False, max_length=100
    )
