"""Forms for the follow-up screens; the services do the real checking."""

from django import forms
from django.db.models import QuerySet

from styrkort.core.forms import Form
from styrkort.core.models import Status
from styrkort.core.text import plain_line_endings
from styrkort.followup.models import COMMENT_MAX_LENGTH


class StatusChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Status) -> str:  # type: ignore[override]
        return obj.label


class CommentField(forms.CharField):
    """A browser counts a line break as one character and sends it as two (CR LF); count it
    as the browser does, so a comment the field accepted is not refused here."""

    def to_python(self, value):
        value = super().to_python(value)
        return plain_line_endings(value) if value else value


# A person's save names the version they read (0: none yet), so a colleague's later save is
# never overwritten unseen; a post without it did not come from the page and is refused.
NO_VERSION = (
    "Sidan du sparade från saknar uppgift om vilken version du utgick från. Öppna sidan igen "
    "och gör om ändringen."
)


class AssessmentForm(Form):
    status = StatusChoiceField(
        queryset=Status.objects.none(),
        widget=forms.RadioSelect,
        required=False,
        label="Status",
        empty_label=None,
    )
    comment = CommentField(
        label="Kommentar",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={
            "max_length": "Kommentaren får vara högst %(limit_value)d tecken (nu %(show_value)d)."
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        """`statuses`: the scale's statuses as a list, or as a query (selectors.status_choices),
        which a post only asks for the chosen status, with its scale."""
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = (
            statuses
            if isinstance(statuses, QuerySet)
            else Status.objects.filter(pk__in=[s.pk for s in statuses])
        )
        self.fields["status"].error_messages["invalid_choice"] = (
            "Välj en status ur organisationens skala."
        )

    def clean(self):
        data = super().clean() or {}
        if data.get("version") is None and "version" not in self.errors:
            raise forms.ValidationError(NO_VERSION)
        if not self.errors and not (data.get("comment") or "").strip() and not data.get("status"):
            raise forms.ValidationError("Skriv en kommentar eller välj en status.")
        return data


class ReasonForm(Form):
    reason = forms.CharField(
        label="Motivering",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Ange en motivering.",
            "max_length": "Motiveringen får vara högst %(limit_value)d tecken (nu %(show_value)d).",
        },
    )


class OverallStatusForm(Form):
    status = StatusChoiceField(
        queryset=Status.objects.none(),
        widget=forms.RadioSelect,
        required=True,
        label="Samlad status",
        empty_label=None,
        error_messages={
            "required": "Välj en samlad status.",
            "invalid_choice": "Välj en status ur organisationens skala.",
        },
    )
    comment = CommentField(
        label="Kommentar (valfri)",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = Status.objects.filter(pk__in=[s.pk for s in statuses])

    def clean(self):
        data = super().clean() or {}
        if data.get("version") is None and "version" not in self.errors:
            raise forms.ValidationError(NO_VERSION)
        return data


class SwedishDecimalField(forms.CharField):
    """A number typed the Swedish way: "12,5", "1 234,5" (any space as thousands separator)."""

    def clean(self, value):
        from decimal import Decimal

        from babel.numbers import NumberFormatError, parse_decimal

        value = super().clean(value)
        if value in (None, ""):
            return None
        text = "".join(value.split())
        try:
            return Decimal(parse_decimal(text, locale="sv_SE", strict=True))
        except (NumberFormatError, ValueError) as exc:
            raise forms.ValidationError(
                f"{value!r} är inget tal; skriv t.ex. 12,5 eller 1 234,5."
            ) from exc


class IndicatorValueForm(Form):
    value = SwedishDecimalField(label="Värde", error_messages={"required": "Ange ett värde."})
    note = forms.CharField(label="Anteckning (valfri)", required=False, max_length=300)
    override_status = StatusChoiceField(
        queryset=Status.objects.none(),
        required=False,
        label="Status för hand (lämna tom för beräknad)",
        empty_label="Beräknad enligt regeln",
    )
    override_reason = forms.CharField(
        label="Skäl till status för hand",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["override_status"].queryset = Status.objects.filter(
            pk__in=[s.pk for s in statuses]
        )
