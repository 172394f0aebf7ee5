"""The administration's forms. Labels and messages in Swedish, each naming its field."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from styrkort.core.forms import MarkErrorsForm
from styrkort.core.status import MIN_TEXT_CONTRAST, contrast_ratio, contrast_text
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.models import Body, Organisation, Unit
from styrkort.organisation.selectors import bodies_offered

HEX = re.compile(r"#[0-9a-fA-F]{6}")

ORGANISATION_ROLES = [
    ("admin", "Administratör (allt, även inställningarna)"),
    ("controller", "Controller (planer, perioder, helhetsstatus, rapporter)"),
    ("registrar", "Registrator (diariet, läser sekretessbelagt)"),
    ("reader", "Läsare (läser det som inte är sekretessbelagt)"),
]
KIND_LABELS = {
    "council": "Fullmäktige",
    "board": "Styrelse",
    "committee": "Nämnd",
    "other": "Annat",
}
PERIOD_KINDS = [
    ("month", "Månad"),
    ("tertial", "Tertial"),
    ("interim", "Delår"),
    ("year", "Helår"),
]


class AdminForm(MarkErrorsForm):
    """The administration's forms: fields with errors point to them (core.forms)."""


def _date_field(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": f"Ange {label.lower()}.",
            "invalid": f"{label}: ange ett datum som ÅÅÅÅ-MM-DD.",
        },
    )


class RolesForm(AdminForm):
    """A member's roles: in the whole organisation, and per body as editor or approver."""

    roles = forms.MultipleChoiceField(
        label="Roller i organisationen",
        choices=ORGANISATION_ROLES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    editor_of = forms.ModelMultipleChoiceField(
        label="Redaktör: skriver bedömningar för",
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    approver_of = forms.ModelMultipleChoiceField(
        label="Godkännare: godkänner bedömningar för",
        queryset=Body.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("editor_of", "approver_of"):
            field = self.fields[name]
            # Active bodies, and a retired one only where the member already has the role.
            field.queryset = bodies_offered(
                organisation=organisation, kept=[b.pk for b in self.initial.get(name, [])]
            )
            field.label_from_instance = lambda b: (
                f"{b.name} ({b.abbreviation})" + ("" if b.is_active else ", avaktiverad")
            )

    def grants(self) -> list[tuple[str, Body | None]]:
        data = self.cleaned_data
        return [
            *((role, None) for role in data["roles"]),
            *(("editor", body) for body in data["editor_of"]),
            *(("approver", body) for body in data["approver_of"]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("roles") or data.get("editor_of") or data.get("approver_of")):
            self.add_error("roles", "Välj minst en roll.")
        return data


class InviteForm(RolesForm):
    email = forms.EmailField(
        label="E-postadress",
        max_length=150,
        help_text="Inbjudan skickas hit, och adressen blir användarnamnet.",
        error_messages={
            "required": "Ange e-postadressen.",
            "invalid": "E-postadress: skriv en hel adress, t.ex. karin.lund@kommun.se.",
        },
    )
    first_name = forms.CharField(label="Förnamn", max_length=150, required=False)
    last_name = forms.CharField(label="Efternamn", max_length=150, required=False)
    field_order = ["email", "first_name", "last_name", "roles", "editor_of", "approver_of"]


class ChoosePasswordForm(AdminForm):
    password1 = forms.CharField(
        label="Nytt lösenord",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Minst 8 tecken, inte bara siffror, inte ett vanligt lösenord och inte likt "
        "ditt namn eller din e-postadress.",
        error_messages={"required": "Ange ett lösenord."},
    )
    password2 = forms.CharField(
        label="Samma lösenord igen",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Skriv lösenordet en gång till."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Lösenorden är inte lika; skriv samma lösenord två gånger.")
        elif first:
            try:
                validate_password(first, self.user)
            except ValidationError as exc:
                self.add_error("password1", exc.messages)
        return data


class BodyForm(AdminForm):
    name = forms.CharField(
        label="Namn", max_length=200, error_messages={"required": "Ange namnet."}
    )
    kind = forms.ChoiceField(label="Typ", choices=list(KIND_LABELS.items()))
    order = forms.IntegerField(
        label="Ordning",
        min_value=0,
        max_value=32767,
        initial=0,
        help_text="Ett tal; nämnderna visas i den ordningen.",
        error_messages={
            "invalid": "Ordning: ange ett heltal, t.ex. 3.",
            "required": "Ange ordningen som ett heltal.",
            "min_value": "Ordning: ange 0 eller mer.",
        },
    )
    is_active = forms.BooleanField(label="Aktiv", required=False, initial=True)


class BodyEditForm(BodyForm):
    aliases = forms.CharField(
        label="Andra namn (valfritt)",
        max_length=300,
        required=False,
        help_text="Kommaseparerade namn som importer också godtar, t.ex. ett tidigare namn.",
    )


class BodyCreateForm(BodyForm):
    abbreviation = forms.CharField(
        label="Förkortning",
        max_length=20,
        help_text="T.ex. HSN: nämndens diarieserie och det importer känner igen. Kan inte ändras "
        "senare.",
        error_messages={"required": "Ange förkortningen."},
    )
    field_order = ["name", "abbreviation", "kind", "order", "is_active"]

    def clean_abbreviation(self) -> str:
        value = "".join(self.cleaned_data["abbreviation"].split())
        if not re.fullmatch(r"[A-Za-zÅÄÖåäö0-9]+", value):
            raise ValidationError("Förkortning: bara bokstäver och siffror, t.ex. HSN.")
        return value


class UnitForm(AdminForm):
    name = forms.CharField(
        label="Namn", max_length=200, error_messages={"required": "Ange namnet."}
    )
    parent = forms.ModelChoiceField(
        label="Ligger under",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="– ingen (översta nivån) –",
    )
    description = forms.CharField(label="Beskrivning (valfri)", max_length=300, required=False)
    order = forms.IntegerField(
        label="Ordning",
        min_value=0,
        max_value=32767,
        initial=0,
        help_text="Ett tal; enheterna visas i den ordningen under sin överordnade.",
        error_messages={
            "invalid": "Ordning: ange ett heltal, t.ex. 3.",
            "required": "Ange ordningen som ett heltal.",
            "min_value": "Ordning: ange 0 eller mer.",
        },
    )

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = units
        self.fields["parent"].label_from_instance = lambda u: f"{u.body.abbreviation}: {u.name}"


class UnitCreateForm(UnitForm):
    body = forms.ModelChoiceField(
        label="Nämnd", queryset=Body.objects.none(), error_messages={"required": "Välj nämnd."}
    )
    field_order = ["body", "parent", "name", "description", "order"]

    def __init__(self, *args: Any, organisation: Organisation, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, units=units, **kwargs)
        # A retired body gets no new unit: only the active ones are offered.
        self.fields["body"].queryset = bodies_offered(organisation=organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body, parent = data.get("body"), data.get("parent")
        if body and parent and parent.body_id != body.pk:
            self.add_error("parent", f"Ligger under: {parent.name} hör till en annan nämnd.")
        return data


def colour_error(colour: str, label: str) -> str | None:
    """Why a status colour is refused, or None: #rrggbb, and its text readable on it."""
    if not HEX.fullmatch(colour):
        return f"{label}: skriv färgen som #rrggbb, t.ex. #1e7b34."
    text = contrast_text(colour)
    ratio = contrast_ratio(text, colour)
    if ratio < MIN_TEXT_CONTRAST:
        shown = f"{ratio:.2f}".replace(".", ",")
        return (
            f"{label}: texten får kontrasten {shown}:1 mot färgen {colour}; WCAG 2.1 AA kräver "
            "minst 4,5:1. Välj en mörkare eller ljusare färg."
        )
    return None


class StatusForm(AdminForm):
    """One status of the scale."""

    code = forms.CharField(widget=forms.HiddenInput, required=False)
    label = forms.CharField(label="Namn", max_length=50, required=False)
    colour = forms.CharField(
        label="Färg",
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"size": 8}),
        help_text="#rrggbb, t.ex. #1e7b34. Namnet skrivs på färgen och måste gå att läsa.",
    )
    synonyms = forms.CharField(
        label="Andra ord som importer godtar",
        max_length=300,
        required=False,
        help_text="Kommaseparerade, t.ex. Ja, AVSLUTAT",
    )
    position = forms.IntegerField(
        label="Plats (1 = sämst)",
        min_value=1,
        max_value=99,
        required=False,
        error_messages={"invalid": "Plats: ange ett heltal, t.ex. 2."},
    )
    remove = forms.BooleanField(label="Ta bort", required=False)

    def __init__(self, *args: Any, no_data: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.no_data = no_data
        if no_data:
            del self.fields["position"]
            del self.fields["remove"]
            self.fields["label"].label = "Namn för ”ingen bedömning”"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        label = (data.get("label") or "").strip()
        colour = (data.get("colour") or "").strip().lower()
        data["label"], data["colour"] = label, colour
        if not label and not data.get("code") and not self.no_data:
            return data  # the empty row for a new status, left empty
        if data.get("remove"):
            return data
        if not label:
            self.add_error("label", "Namn: ange statusens namn.")
        error = colour_error(colour, f"Färg för {label or 'statusen'}")
        if error:
            self.add_error("colour", error)
        return data


class ScaleNameForm(AdminForm):
    name = forms.CharField(
        label="Skalans namn", max_length=100, error_messages={"required": "Ange skalans namn."}
    )


class PeriodForm(AdminForm):
    kind = forms.ChoiceField(label="Typ", choices=PERIOD_KINDS)
    year = forms.IntegerField(
        label="År",
        min_value=1990,
        max_value=2100,
        error_messages={
            "required": "Ange året som följs upp.",
            "invalid": "År: ange ett årtal, t.ex. 2025.",
            "min_value": "År: ange ett årtal från 1990.",
            "max_value": "År: ange ett årtal till och med 2100.",
        },
    )
    starts_on = _date_field("Från och med")
    ends_on = _date_field("Till och med")
    deadline = _date_field("Svar senast", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("starts_on"), data.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "Till och med: slutdatumet ligger före startdatumet.")
        return data


class PeriodCreateForm(PeriodForm):
    name = forms.CharField(
        label="Namn",
        max_length=100,
        help_text="T.ex. Tertial 1 2025; namnet är periodens identitet.",
        error_messages={"required": "Ange periodens namn."},
    )
    field_order = ["name", "kind", "year", "starts_on", "ends_on", "deadline"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if FollowUpPeriod.objects.filter(
            organisation=self.organisation, name__iexact=name
        ).exists():
            raise ValidationError(f"Namn: det finns redan en period som heter {name}.")
        return name


class ReopenForm(AdminForm):
    reason = forms.CharField(
        label="Varför öppnas perioden igen?",
        max_length=500,
        error_messages={"required": "Ange varför perioden öppnas igen."},
    )


class OrganisationForm(AdminForm):
    name = forms.CharField(
        label="Namn", max_length=200, error_messages={"required": "Ange namnet."}
    )
    short_name = forms.CharField(label="Kortnamn (valfritt)", max_length=50, required=False)
    kind = forms.ChoiceField(
        label="Typ", choices=[("region", "Region"), ("municipality", "Kommun"), ("other", "Annan")]
    )
    kolada_id = forms.CharField(
        label="Id i Kolada (valfritt)",
        max_length=4,
        required=False,
        help_text="Fyra siffror, t.ex. 0023 för Region Jämtland Härjedalen.",
    )
    diary_style = forms.ChoiceField(
        label="Så skrivs diarienummer",
        choices=[
            ("slash", "RS/673/2024"),
            ("space-year", "RS 2023/237"),
            ("dash", "KSN-2013-0674"),
        ],
        widget=forms.RadioSelect,
    )
    four_eyes = forms.BooleanField(
        label="Fyra ögon: den som godkänner en text får inte ha skrivit den", required=False
    )
    reminder_days = forms.IntegerField(
        label="Påminnelse före sista dag för bedömningar (dagar)",
        min_value=0,
        max_value=90,
        required=False,
        help_text="Redaktörer vars bedömningar saknas eller är utkast får e-post så många dagar "
        "före periodens sista dag. 0: ingen påminnelse.",
        error_messages={
            "invalid": "Påminnelse: skriv ett antal dagar, t.ex. 7.",
            "min_value": "Påminnelse: skriv 0 eller fler dagar.",
            "max_value": "Påminnelse: högst 90 dagar.",
        },
    )

    def clean_kolada_id(self) -> str:
        value = self.cleaned_data["kolada_id"].strip()
        if value and not re.fullmatch(r"[0-9]{4}", value):
            raise ValidationError("Id i Kolada: skriv fyra siffror, t.ex. 0023.")
        return value


class LogoForm(AdminForm):
    file = forms.FileField(
        label="Logotyp (PNG eller SVG, högst 512 kB)",
        error_messages={"required": "Logotyp: välj en fil.", "empty": "Logotyp: filen är tom."},
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.svg,image/png,image/svg+xml"}),
    )
    alt = forms.CharField(
        label="Textalternativ",
        max_length=200,
        help_text="Vad logotypen säger för den som inte ser den, t.ex. Region Gävleborgs logotyp.",
        error_messages={"required": "Textalternativ: beskriv logotypen."},
    )


class PositionForm(AdminForm):
    person_name = forms.CharField(
        label="Namn", max_length=200, error_messages={"required": "Namn: ange personens namn."}
    )
    party = forms.CharField(label="Parti (valfritt, t.ex. KD)", max_length=20, required=False)
    title = forms.CharField(
        label="Uppdrag",
        max_length=100,
        help_text="T.ex. Ordförande, 1:e vice ordförande, Ledamot.",
        error_messages={"required": "Uppdrag: ange uppdraget, t.ex. Ordförande."},
    )
    presidium = forms.BooleanField(label="Ingår i presidiet", required=False)
    order = forms.IntegerField(
        label="Ordning",
        min_value=0,
        max_value=32767,
        initial=0,
        error_messages={
            "invalid": "Ordning: ange ett heltal, t.ex. 1.",
            "required": "Ange ordningen som ett heltal.",
            "min_value": "Ordning: ange 0 eller mer.",
        },
    )


ORGANISATION_KINDS = [("municipality", "Kommun"), ("region", "Region"), ("other", "Annan")]


class OrganisationCreateForm(AdminForm):
    """The installation admin's new organisation and the address of its first admin."""

    name = forms.CharField(
        label="Namn",
        max_length=200,
        help_text="T.ex. Exempelkommun eller Region Gävleborg.",
        error_messages={"required": "Ange organisationens namn."},
    )
    kind = forms.ChoiceField(
        label="Slag", choices=ORGANISATION_KINDS, widget=forms.RadioSelect, initial="municipality"
    )
    slug = forms.SlugField(
        label="Kortnamn i adresser",
        max_length=60,
        help_text="Små bokstäver a–z, siffror och bindestreck, t.ex. exempelkommun.",
        error_messages={
            "required": "Ange kortnamnet i adresser.",
            "invalid": "Kortnamn i adresser: bara a–z, siffror och bindestreck, t.ex. "
            "exempelkommun.",
        },
    )
    admin_email = forms.EmailField(
        label="Administratörens e-postadress",
        max_length=150,
        help_text="Organisationens första administratör får en inbjudan hit, och adressen blir "
        "användarnamnet.",
        error_messages={
            "required": "Ange administratörens e-postadress.",
            "invalid": "Administratörens e-postadress: skriv en hel adress, t.ex. "
            "karin.lund@kommun.se.",
        },
    )
    admin_first_name = forms.CharField(
        label="Administratörens förnamn", max_length=150, required=False
    )
    admin_last_name = forms.CharField(
        label="Administratörens efternamn", max_length=150, required=False
    )

    def clean_slug(self) -> str:
        slug = str(self.cleaned_data["slug"])
        if slug != slug.lower() or not re.fullmatch(r"[a-z0-9-]+", slug):
            raise ValidationError(
                "Kortnamn i adresser: bara a–z, siffror och bindestreck, t.ex. exempelkommun."
            )
        if Organisation.objects.filter(slug=slug).exists():
            raise ValidationError(f"Kortnamnet {slug} används redan av en annan organisation.")
        return slug

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if Organisation.objects.filter(name__iexact=name).exists():
            raise ValidationError(f"Det finns redan en organisation som heter {name}.")
        return name
