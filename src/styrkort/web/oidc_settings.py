"""Single sign-on settings (OpenID Connect), read from the environment by settings.py.

Off unless OIDC_CLIENT_ID is set. Only the standard library here: settings.py imports it before
Django is configured. docs/sso.md explains each variable; web/oidc.py uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# Asymmetric algorithms only: the key comes from the provider's JWKS. HS256 would make the
# client secret the signing key, and "none" would accept any token.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
MATCH_CLAIMS = ("email", "sub")
_ENDPOINTS = {
    "OIDC_AUTHORIZATION_ENDPOINT": "OIDC_OP_AUTHORIZATION_ENDPOINT",
    "OIDC_TOKEN_ENDPOINT": "OIDC_OP_TOKEN_ENDPOINT",
    "OIDC_USERINFO_ENDPOINT": "OIDC_OP_USER_ENDPOINT",
    "OIDC_JWKS_URI": "OIDC_OP_JWKS_ENDPOINT",
    "OIDC_END_SESSION_ENDPOINT": "OIDC_OP_LOGOUT_ENDPOINT",
}


def _get(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = _get(env, name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} ska vara 1 eller 0.")


def _url(name: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ImproperlyConfigured(
            f"{name}={value!r} ska vara en adress som börjar med https:// (eller http:// på "
            "den egna datorn)."
        )
    return value


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def oidc_settings(env: Mapping[str, str]) -> dict[str, Any]:
    """Django settings (mozilla-django-oidc's names and styrkort's own) from the environment.

    A half-made configuration (a client id without issuer or secret, an unknown claim or
    algorithm, a malformed address) stops the start with a message naming the variable.
    """
    client_id = _get(env, "OIDC_CLIENT_ID")
    settings: dict[str, Any] = {
        "OIDC_ENABLED": bool(client_id),
        "OIDC_ISSUER": "",
        "OIDC_RP_CLIENT_ID": "",
        "OIDC_RP_CLIENT_SECRET": "",
        "OIDC_RP_SIGN_ALGO": "RS256",
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_MATCH_CLAIM": "email",
        "OIDC_CREATE_USERS": False,
        "OIDC_LOGOUT_AT_PROVIDER": True,
        "OIDC_TIMEOUT": 10.0,
        "OIDC_FORM_ACTION_ORIGINS": [],
        **{setting: "" for setting in _ENDPOINTS.values()},
    }
    if not client_id:
        for name in ("OIDC_ISSUER", "OIDC_CLIENT_SECRET"):
            if _get(env, name):
                raise ImproperlyConfigured(f"{name} är satt men inte OIDC_CLIENT_ID.")
        return settings

    issuer = _get(env, "OIDC_ISSUER")
    if not issuer:
        raise ImproperlyConfigured(
            "OIDC_ISSUER saknas: utfärdarens adress, t.ex. "
            "https://login.microsoftonline.com/<tenant-id>/v2.0."
        )
    _url("OIDC_ISSUER", issuer)
    secret = _get(env, "OIDC_CLIENT_SECRET")
    if not secret:
        raise ImproperlyConfigured(
            "OIDC_CLIENT_SECRET saknas (klienthemligheten från leverantören)."
        )
    match = _get(env, "OIDC_MATCH_CLAIM").lower() or "email"
    if match not in MATCH_CLAIMS:
        raise ImproperlyConfigured(f"OIDC_MATCH_CLAIM={match!r} ska vara email eller sub.")
    algorithm = _get(env, "OIDC_SIGN_ALGO").upper() or "RS256"
    if algorithm not in SIGNING_ALGORITHMS:
        raise ImproperlyConfigured(
            f"OIDC_SIGN_ALGO={algorithm!r} stöds inte; välj en av {', '.join(SIGNING_ALGORITHMS)}."
        )
    scopes = " ".join(_get(env, "OIDC_SCOPES").split()) or "openid email profile"
    if "openid" not in scopes.split():
        raise ImproperlyConfigured(f"OIDC_SCOPES={scopes!r} måste innehålla openid.")
    if match == "email" and "email" not in scopes.split():
        raise ImproperlyConfigured("OIDC_MATCH_CLAIM=email behöver omfånget email i OIDC_SCOPES.")
    raw_timeout = _get(env, "OIDC_TIMEOUT") or "10"
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = -1
    if timeout <= 0:
        raise ImproperlyConfigured(f"OIDC_TIMEOUT={raw_timeout!r} ska vara sekunder, över 0.")

    endpoints = {}
    for env_name, setting in _ENDPOINTS.items():
        value = _get(env, env_name)
        endpoints[setting] = _url(env_name, value) if value else ""
    settings.update(endpoints)
    settings.update(
        OIDC_ISSUER=issuer,
        OIDC_RP_CLIENT_ID=client_id,
        OIDC_RP_CLIENT_SECRET=secret,
        OIDC_RP_SIGN_ALGO=algorithm,
        OIDC_RP_SCOPES=scopes,
        OIDC_MATCH_CLAIM=match,
        OIDC_CREATE_USERS=_flag(env, "OIDC_CREATE_USERS", False),
        OIDC_LOGOUT_AT_PROVIDER=_flag(env, "OIDC_LOGOUT_AT_PROVIDER", True),
        OIDC_TIMEOUT=timeout,
        # The browser posts the logout form to styrkort, which redirects it to the provider's
        # end-session page: CSP's form-action covers redirects after a form, so those origins
        # are allowed. The login itself is a link (a GET), which form-action does not govern.
        OIDC_FORM_ACTION_ORIGINS=sorted(
            {origin(issuer), *(origin(v) for v in endpoints.values() if v)}
        ),
    )
    return settings


# mozilla-django-oidc's own settings, the same whatever the environment says.
LIBRARY_SETTINGS: dict[str, Any] = {
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_STORE_ID_TOKEN": True,  # the id_token_hint for the provider's logout
    "OIDC_AUTHENTICATION_CALLBACK_URL": "web:oidc-callback",
    "OIDC_CREATE_USER": False,  # styrkort decides (OIDC_CREATE_USERS, web/oidc.py)
    "OIDC_MAX_STATES": 10,
}
