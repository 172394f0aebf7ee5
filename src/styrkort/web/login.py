"""Logging in and out: the password form, the single sign-on button and the provider's logout.

The password form refuses a user all of whose organisations have turned local passwords off
(organisation/identity.py); the login page offers "Logga in med organisationens konto" when
single sign-on is configured (web/oidc.py).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from styrkort.organisation.identity import password_login_allowed
from styrkort.web import oidc, views

LOCAL_LOGIN_OFF = (
    "Din organisation loggar inte in med lösenord i styrkort. "
    "Välj ”Logga in med organisationens konto”."
)


class LoginForm(views.LoginForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not password_login_allowed(user):
            raise ValidationError(LOCAL_LOGIN_OFF, code="local_login_off")


class LoginView(views.LoginView):
    authentication_form = LoginForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(sso=oidc.enabled(), **kwargs)


class LogoutView(views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # After a single sign-on, on to the provider's logout too; read before the session ends.
        at_provider = oidc.provider_logout_url(request)
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(at_provider) if at_provider else response
