"""Single sign-on with OpenID Connect (the authorization code flow, with PKCE and a nonce).

mozilla-django-oidc speaks the protocol; this module configures it from the environment
(web/oidc_settings.py), discovers the provider's endpoints at first use, checks the ID token
more strictly than the library does (audience, issuer, expiry, nonce, algorithm), matches the
login to an account by the rules in organisation/identity.py, and turns every refusal into a
Swedish page, never a traceback. docs/sso.md is the administrator's guide.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.views.generic import View
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from styrkort.core.actors import SystemActor
from styrkort.organisation.identity import (
    identity_of,
    identity_record,
    sso_user_create,
    users_with_email,
)
from styrkort.web.oidc_settings import origin

log = logging.getLogger("styrkort.oidc")

ACTOR = SystemActor("oidc_login")
DISCOVERY_SECONDS = 3600  # a provider's endpoints are read again after an hour
LEEWAY_SECONDS = 60  # clock difference tolerated between the provider and styrkort

REASONS = {
    "unknown-user": (
        "Det finns inget konto i styrkort för dig. Be din organisations administratör i "
        "styrkort att lägga upp dig, med samma e-postadress som i organisationens konto."
    ),
    "ambiguous": (
        "Flera konton i styrkort har samma e-postadress som ditt konto, så inget av dem kan "
        "väljas. Be administratören rätta e-postadresserna."
    ),
    "identity-conflict": (
        "Ditt konto hos organisationen stämmer inte med det konto som styrkort har kopplat till "
        "användaren. Be administratören kontrollera kopplingen."
    ),
    "inactive": "Ditt konto i styrkort är avstängt. Kontakta administratören.",
    "claims": (
        "Organisationens inloggningstjänst skickade ingen bekräftad e-postadress, och utan den "
        "kan styrkort inte hitta ditt konto."
    ),
    "token": "Inloggningsbeviset från organisationens inloggningstjänst godtogs inte",
    "state": (
        "Inloggningen har redan använts, har gått ut eller startades i en annan webbläsare. "
        "Börja om från inloggningssidan."
    ),
    "denied": "Inloggningen avbröts hos organisationens inloggningstjänst.",
    "provider": (
        "Organisationens inloggningstjänst gick inte att nå eller svarade inte som väntat. "
        "Försök igen om en stund."
    ),
}


class LoginRefused(Exception):
    """A single sign-on that is refused: `reason` is a key of REASONS, `detail` says more."""

    def __init__(self, reason: str, detail: str = "", *, log_detail: str = "") -> None:
        super().__init__(f"{reason}: {log_detail or detail}")
        self.reason = reason
        self.detail = detail
        self.log_detail = log_detail or detail

    @property
    def message(self) -> str:
        text = REASONS[self.reason]
        return f"{text} ({self.detail})." if self.detail else text


def conf(name: str) -> Any:
    """An OIDC setting (web/oidc_settings.py makes them all, from the environment)."""
    return getattr(settings, name)


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


# -- the provider's endpoints -------------------------------------------------------------------


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    end_session_endpoint: str


_discovered: dict[tuple[str, ...], tuple[float, Provider]] = {}
_lock = threading.Lock()


def _explicit() -> dict[str, str]:
    return {
        "authorization_endpoint": conf("OIDC_OP_AUTHORIZATION_ENDPOINT"),
        "token_endpoint": conf("OIDC_OP_TOKEN_ENDPOINT"),
        "userinfo_endpoint": conf("OIDC_OP_USER_ENDPOINT"),
        "jwks_uri": conf("OIDC_OP_JWKS_ENDPOINT"),
        "end_session_endpoint": conf("OIDC_OP_LOGOUT_ENDPOINT"),
    }


def provider() -> Provider:
    """The provider's endpoints: those set in the environment, the rest from its discovery
    document (`{issuer}/.well-known/openid-configuration`), fetched at first use with the
    timeout and kept for an hour. A document that names another issuer is refused (OpenID
    Connect Discovery 1.0, section 4.3)."""
    issuer = conf("OIDC_ISSUER")
    explicit = _explicit()
    required = ("authorization_endpoint", "token_endpoint", "jwks_uri")
    if all(explicit[name] for name in required):
        return Provider(issuer=issuer, **explicit)
    key = (issuer, *explicit.values())
    with _lock:
        cached = _discovered.get(key)
        if cached and cached[0] > time.monotonic():
            return cached[1]
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        answer = requests.get(url, timeout=conf("OIDC_TIMEOUT"))
        answer.raise_for_status()
        document = answer.json()
        if not isinstance(document, dict):
            raise ValueError("not a JSON object")
    except (requests.RequestException, ValueError) as error:
        raise LoginRefused("provider", log_detail=f"discovery {url}: {error}") from error
    named = str(document.get("issuer", ""))
    if named.rstrip("/") != issuer.rstrip("/"):
        raise LoginRefused(
            "provider", log_detail=f"discovery at {url} names the issuer {named!r}, not {issuer!r}"
        )
    values = {name: explicit[name] or str(document.get(name) or "") for name in explicit}
    missing = [name for name in required if not values[name]]
    if missing:
        raise LoginRefused("provider", log_detail=f"discovery at {url} lacks {', '.join(missing)}")
    found = Provider(issuer=named, **values)
    with _lock:
        _discovered[key] = (time.monotonic() + DISCOVERY_SECONDS, found)
    return found


def forget_discovery() -> None:
    """Read the provider's discovery document again at the next login (tests, a changed key)."""
    with _lock:
        _discovered.clear()


# -- the authentication backend ----------------------------------------------------------------


class OIDCBackend(OIDCAuthenticationBackend):
    """Logs in the account that the provider's ID token names, by the rules of
    organisation/identity.py. Answers only the callback view (never a password form), and
    raises LoginRefused, with the reason, instead of returning None."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the endpoints from the settings here; ours come from provider()
        # at login, so a start-up never waits for the provider, and sessions load without it.
        self.UserModel = auth.get_user_model()

    def get_user(self, user_id: Any) -> Any:
        return ModelBackend.get_user(self, user_id)  # refuses an inactive user, as ModelBackend

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if not kwargs.pop("oidc_callback", False) or request is None or not enabled():
            return None
        self.provider = provider()
        self.OIDC_OP_TOKEN_ENDPOINT = self.provider.token_endpoint
        self.OIDC_OP_USER_ENDPOINT = self.provider.userinfo_endpoint
        self.OIDC_OP_JWKS_ENDPOINT = self.provider.jwks_uri
        self.OIDC_RP_CLIENT_ID = conf("OIDC_RP_CLIENT_ID")
        self.OIDC_RP_CLIENT_SECRET = conf("OIDC_RP_CLIENT_SECRET")
        self.OIDC_RP_SIGN_ALGO = conf("OIDC_RP_SIGN_ALGO")
        self.OIDC_RP_IDP_SIGN_KEY = None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            # The token endpoint refused the code: used already, issued to another client,
            # or the client's secret is wrong.
            raise LoginRefused(
                "token", "inloggningstjänsten godtog inte koden", log_detail=str(error)
            ) from error
        except requests.RequestException as error:
            raise LoginRefused("provider", log_detail=str(error)) from error

    def retrieve_matching_jwk(self, token: str) -> Any:
        """The provider's key for this token: by its key id, or the only signing key."""
        try:
            answer = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=conf("OIDC_TIMEOUT"))
            answer.raise_for_status()
            keys = answer.json()["keys"]
            header = jwt.get_unverified_header(token)
        except (requests.RequestException, ValueError, KeyError, TypeError) as error:
            raise LoginRefused("provider", log_detail=f"JWKS: {error}") from error
        except jwt.InvalidTokenError as error:
            raise LoginRefused(
                "token", "det är inte en giltig JWT", log_detail=str(error)
            ) from error
        candidates = [
            k
            for k in keys
            if isinstance(k, dict)
            and k.get("use", "sig") == "sig"
            and k.get("alg", header.get("alg")) == header.get("alg")
        ]
        if "kid" in header:
            candidates = [k for k in candidates if k.get("kid") == header["kid"]]
        if len(candidates) != 1:
            raise LoginRefused(
                "token",
                "signeringsnyckeln finns inte hos inloggningstjänsten",
                log_detail=f"{len(candidates)} keys match the header {header}",
            )
        try:
            return jwt.PyJWK(candidates[0])
        except jwt.PyJWKError as error:
            raise LoginRefused("token", "signeringsnyckeln går inte att läsa") from error

    def verify_token(self, token: Any, **kwargs: Any) -> dict[str, Any]:
        """The ID token's claims, once its signature, algorithm, audience, issuer, expiry and
        nonce hold. The library checks neither audience nor issuer."""
        if not isinstance(token, str) or not token:
            raise LoginRefused("token", "inget ID-token i svaret")
        key = self.retrieve_matching_jwk(token)
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.provider.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise LoginRefused("token", "det har gått ut", log_detail=str(error)) from error
        except jwt.InvalidAudienceError as error:
            raise LoginRefused(
                "token", "det är utfärdat för en annan tjänst än styrkort", log_detail=str(error)
            ) from error
        except jwt.InvalidIssuerError as error:
            raise LoginRefused(
                "token",
                "det kommer från en annan utfärdare än den inställda",
                log_detail=str(error),
            ) from error
        except jwt.InvalidTokenError as error:
            raise LoginRefused(
                "token", "signaturen eller innehållet stämmer inte", log_detail=repr(error)
            ) from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise LoginRefused("token", "det är utfärdat för en annan tjänst än styrkort")
        if claims.get("nonce") != kwargs.get("nonce"):
            raise LoginRefused("token", "det hör inte till den här inloggningen")
        return claims

    def get_userinfo(self, access_token: Any, id_token: Any, payload: Any) -> dict[str, Any]:
        """The ID token's claims with the userinfo endpoint's added, when there is one; its
        subject must be the token's (OpenID Connect Core, 5.3.2)."""
        claims = dict(payload)
        if not self.OIDC_OP_USER_ENDPOINT:
            return claims
        try:
            answer = requests.get(
                self.OIDC_OP_USER_ENDPOINT,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=conf("OIDC_TIMEOUT"),
            )
            answer.raise_for_status()
            info = answer.json()
        except (requests.RequestException, ValueError) as error:
            raise LoginRefused("provider", log_detail=f"userinfo: {error}") from error
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise LoginRefused("token", "användaruppgifterna gäller någon annan")
        claims.update(info)
        return claims

    def get_or_create_user(self, access_token: Any, id_token: Any, payload: Any) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        issuer, subject = self.provider.issuer, str(claims["sub"])
        email = str(claims.get("email") or "").strip()
        self.claims = claims
        if conf("OIDC_MATCH_CLAIM") == "sub":
            identity = identity_of(issuer=issuer, subject=subject)
            user = identity.user if identity else None
        else:
            # An address the provider itself says is unconfirmed could be anyone's.
            if not email or claims.get("email_verified") is False:
                raise LoginRefused("claims")
            users = users_with_email(email)
            if len(users) > 1:
                raise LoginRefused("ambiguous")
            user = users[0] if users else None
            if user is not None and user.is_active:
                self._link(user, issuer, subject)
        if user is None:
            if not conf("OIDC_CREATE_USERS"):
                raise LoginRefused("unknown-user")
            if identity_of(issuer=issuer, subject=subject) is not None:
                raise LoginRefused("identity-conflict")
            user = sso_user_create(
                actor=ACTOR,
                issuer=issuer,
                subject=subject,
                email=email,
                first_name=str(claims.get("given_name") or ""),
                last_name=str(claims.get("family_name") or ""),
                preferred_username=str(claims.get("preferred_username") or ""),
            )
            log.info("OIDC: new account %s for subject %s (no role)", user.get_username(), subject)
        if not user.is_active:
            raise LoginRefused("inactive")
        return user

    def _link(self, user: Any, issuer: str, subject: str) -> None:
        """Record the subject at the first login by e-mail; refuse another subject later."""
        try:
            identity_record(actor=ACTOR, user=user, issuer=issuer, subject=subject)
        except ValidationError as error:
            raise LoginRefused(
                "identity-conflict", log_detail=f"{user.get_username()}: {error.messages}"
            ) from error


# -- views --------------------------------------------------------------------------------------


def refused(request: HttpRequest, refusal: LoginRefused) -> HttpResponse:
    """The Swedish page for a refused single sign-on; the reason goes to the log."""
    log.warning(
        "OIDC login refused (%s): %s",
        refusal.reason,
        refusal.log_detail,
        extra={"reason": refusal.reason, "client": request.META.get("REMOTE_ADDR", "")},
    )
    return render(
        request,
        "registration/oidc_failed.html",
        {"message": refusal.message, "reason": refusal.reason},
        status=403,
    )


class OIDCLoginView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, with state, nonce and PKCE kept in the session."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the library would read the endpoint from the settings

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider().authorization_endpoint
        except LoginRefused as refusal:
            return refused(request, refusal)
        self.OIDC_RP_CLIENT_ID = conf("OIDC_RP_CLIENT_ID")
        return super().get(request)


class OIDCCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the state is used once, then the code is
    exchanged and the ID token checked (OIDCBackend)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            return self._callback(request)
        except LoginRefused as refusal:
            return refused(request, refusal)

    def _callback(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states")
        entry = states.pop(state, None) if isinstance(states, dict) else None
        if entry is not None:
            # Used once, whatever happens next: the same answer again is a replay.
            request.session["oidc_states"] = states
            request.session.save()
        if request.GET.get("error"):
            raise LoginRefused("denied", log_detail=request.GET.get("error", "")[:200])
        if entry is None or not request.GET.get("code"):
            raise LoginRefused("state", log_detail="the state is not this session's")
        user = auth.authenticate(
            request=request,
            nonce=entry.get("nonce"),
            code_verifier=entry.get("code_verifier"),
            oidc_callback=True,
        )
        if user is None:
            raise LoginRefused("unknown-user", log_detail="no backend returned a user")
        self.user = user
        log.info("OIDC login: %s", user.get_username())
        return self.login_success()


def provider_logout_url(request: HttpRequest) -> str | None:
    """Where to send the browser after styrkort's own logout: the provider's end-session page,
    when the user logged in through it and it has one. Read before the session is ended."""
    id_token = request.session.get("oidc_id_token")
    if not id_token or not enabled() or not conf("OIDC_LOGOUT_AT_PROVIDER"):
        return None
    try:
        endpoint = provider().end_session_endpoint
    except LoginRefused:
        return None
    if not endpoint:
        return None
    if origin(endpoint) not in conf("OIDC_FORM_ACTION_ORIGINS"):
        # The Content-Security-Policy would stop the browser there (form-action).
        log.warning("OIDC: end_session_endpoint %s is outside the allowed origins", endpoint)
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": conf("OIDC_RP_CLIENT_ID"),
            "post_logout_redirect_uri": request.build_absolute_uri(
                resolve_url(settings.LOGOUT_REDIRECT_URL)
            ),
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
