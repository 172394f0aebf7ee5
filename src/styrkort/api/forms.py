"""The form of the token page."""

from django import forms

from styrkort.api.services import NAME_MAX_LENGTH
from styrkort.core.forms import Form


class TokenForm(Form):
    name = forms.CharField(
        label="Namn på nyckeln",
        max_length=NAME_MAX_LENGTH,
        help_text=(
            "Vad nyckeln används till, t.ex. ”Rapportverktyget” eller ”Synk till intranätet”."
        ),
        error_messages={
            "required": "Ge nyckeln ett namn.",
            "max_length": f"Namnet får vara högst {NAME_MAX_LENGTH} tecken.",
        },
    )
