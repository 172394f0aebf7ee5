"""Mitt konto: one's own name, roles and links; changing the password; a forgotten password
reset by e-mail.

The password pages are Django's own views with Swedish forms and templates. A user all of whose
organisations have turned local passwords off (organisation/identity.py) cannot change or
reset a password here: they log in with the organisation's account. The reset page says the
same whether or not an address belongs to an account.
"""

from __future__ import annotations

import os
from itertools import groupby
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse_lazy

from styrkort.core.forms import MarkErrorsForm
from styrkort.organisation.identity import password_login_allowed
from styrkort.organisation.models import Membership
from styrkort.organisation.services import password_change_record

LOCAL_LOGIN_OFF = (
    "Din organisation loggar inte in med lösenord i styrkort, så lösenordet kan inte ändras "
    "här. Logga in med organisationens konto."
)
PASSWORD_HELP = (
    "Minst 8 tecken, inte bara siffror, inte ett vanligt lösenord och inte likt ditt namn "
    "eller din e-postadress."
)
MISMATCH = "Lösenorden är inte lika; skriv samma lösenord två gånger."


def _swedish_new_password(form: forms.Form) -> None:
    first, second = form.fields["new_password1"], form.fields["new_password2"]
    first.label, first.help_text = "Nytt lösenord", PASSWORD_HELP
    first.error_messages["required"] = "Ange ett nytt lösenord."
    second.label, second.help_text = "Samma lösenord igen", ""
    second.error_messages["required"] = "Skriv det nya lösenordet en gång till."
    form.error_messages["password_mismatch"] = MISMATCH  # type: ignore[attr-defined]


class PasswordChangeForm(MarkErrorsForm, auth_forms.PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        old = self.fields["old_password"]
        old.label = "Nuvarande lösenord"
        old.error_messages["required"] = "Ange ditt nuvarande lösenord."
        old.widget.attrs.pop("autofocus", None)
        self.error_messages["password_incorrect"] = (
            "Det nuvarande lösenordet stämmer inte; inget ändrades."
        )
        _swedish_new_password(self)
        self.order_fields(["old_password", "new_password1", "new_password2"])


class SetPasswordForm(MarkErrorsForm, auth_forms.SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _swedish_new_password(self)
        self.fields["new_password1"].widget.attrs.pop("autofocus", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not password_login_allowed(self.user):
            raise forms.ValidationError(LOCAL_LOGIN_OFF, code="local_login_off")
        return data


class PasswordResetForm(MarkErrorsForm, auth_forms.PasswordResetForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "E-postadress"
        email.help_text = "Den adress som står på ditt konto i styrkort."
        email.error_messages["required"] = "Ange din e-postadress."
        email.error_messages["invalid"] = "Ange en e-postadress, till exempel namn@region.se."
        email.widget.attrs.pop("autofocus", None)

    def get_users(self, email: str) -> Any:
        # Those who log in with the organisation's account get no reset link.
        return (user for user in super().get_users(email) if password_login_allowed(user))


def _roles(user: Any) -> list[dict[str, Any]]:
    """The user's roles, per organisation: "Redaktör för HSN"."""
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation", "body")
        .order_by("organisation__name", "role", "body__order", "body__abbreviation")
    )
    out = []
    for organisation, group in groupby(memberships, key=lambda m: m.organisation):
        labels = [
            m.get_role_display().capitalize() + (f" för {m.body.abbreviation}" if m.body else "")
            for m in group
        ]
        out.append({"organisation": organisation, "roles": labels})
    return out


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "registration/account.html",
        {
            "roles": _roles(request.user),
            "local_password": password_login_allowed(request.user),
            "nav": "account",
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("web:account")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not password_login_allowed(request.user):
            return render(
                request,
                "registration/password_refused.html",
                {"message": LOCAL_LOGIN_OFF, "nav": "account"},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(nav="account", **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_change_record(user=form.user, note="Lösenordet ändrat på Mitt konto")
        messages.success(self.request, "Ditt lösenord är ändrat.")
        return response


def _base_url(request: HttpRequest) -> str:
    """Where the link in the e-mail points: STYRKORT_BASE_URL when it is set (as mail/ builds
    its links), else the address this request came to."""
    if os.environ.get("STYRKORT_BASE_URL", "").strip():
        return str(settings.STYRKORT_BASE_URL).rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset.html"
    subject_template_name = "registration/reset_mail_subject.txt"
    email_template_name = "registration/reset_mail_body.txt"
    success_url = reverse_lazy("web:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        self.extra_email_context = {"base_url": _base_url(self.request)}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "registration/password_reset_new.html"
    success_url = reverse_lazy("web:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_change_record(
            user=form.user, note="Lösenord valt från länk i e-post (glömt lösenord)"
        )
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_saved.html"
