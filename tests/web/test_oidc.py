"""Single sign-on, end to end against a real OpenID Connect provider on 127.0.0.1.

The provider is oidc-provider-mock (authlib under Flask), served over HTTP by werkzeug in a
thread: styrkort's client (mozilla-django-oidc, web/oidc.py) discovers it, exchanges the code at
its token endpoint, fetches its JWKS and userinfo, all over real HTTP. The browser's hops are
made by hand: the Django test client for styrkort, requests for the provider's pages (its
authorisation form is submitted with the subject the provider then vouches for). Nothing of the
client is mocked; a few providers are made to misbehave (another audience, another issuer,
tokens already expired) to show that styrkort refuses them.

Named users (tests/conftest.py's region): ``hsn_editor`` (HSN's editor, e-mail
hsn.editor@region.example, at the provider as subject "hsn-sub" with the address in other
case), ``reader`` (reader, a second account used to make an address ambiguous),
``other_region_admin`` (admin of another region, for mixed local-login settings).
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from unittest import mock
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
import werkzeug.serving
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.shortcuts import resolve_url
from django.urls import reverse
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import _app as provider_internals
from oidc_provider_mock import app as provider_app

from styrkort.core.actors import SYSTEM
from styrkort.core.models import AuditEvent
from styrkort.organisation.identity import organisation_set_local_login
from styrkort.organisation.models import ExternalIdentity, Membership
from styrkort.web import oidc
from styrkort.web.oidc_settings import oidc_settings

# The provider's libraries warn about their own deprecated internals; not styrkort's to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore::DeprecationWarning", "ignore::authlib.deprecate.AuthlibDeprecationWarning"
)

HSN_EMAIL = "hsn.editor@region.example"
PROVIDER_USERS = [
    ProviderUser(
        sub="hsn-sub",
        claims={"email": "HSN.Editor@Region.Example", "given_name": "Hanna", "name": "Hanna S"},
    ),
    ProviderUser(
        sub="new-sub",
        claims={
            "email": "ny.medarbetare@region.example",
            "given_name": "Nora",
            "family_name": "Ny",
            "preferred_username": "nora.ny",
        },
    ),
    ProviderUser(sub="stranger-sub", claims={"email": "stranger@elsewhere.example"}),
    # The demo region's HSN editor (src/styrkort/demo/data/region.json), as the issue's
    # done-when logs in.
    ProviderUser(sub="demo-hsn-sub", claims={"email": "hsn@demo.styrkort.example"}),
]


@contextmanager
def running_provider(**options) -> Iterator[str]:
    """An OpenID Connect provider listening on a free port of 127.0.0.1; yields its issuer."""
    application = provider_app(user_claims=PROVIDER_USERS, **options)
    server = werkzeug.serving.make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(2)


class OtherAudienceCode(provider_internals.OpenIDCode):
    """The provider's ID tokens, issued for another service than the client that asked."""

    def get_client_claims(self, client):
        return {**super().get_client_claims(client), "aud": ["another-app"]}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with running_provider() as issuer:
        yield issuer


@pytest.fixture
def sso(settings, provider):
    """styrkort configured for the provider as its environment would configure it."""
    return configure(settings, OIDC_ISSUER=provider)


def configure(settings, **env: str) -> str:
    values = {"OIDC_CLIENT_ID": "styrkort", "OIDC_CLIENT_SECRET": "hemligt", **env}
    for name, value in oidc_settings(values).items():
        setattr(settings, name, value)
    oidc.forget_discovery()
    return values.get("OIDC_ISSUER", "")


@pytest.fixture
def hsn_editor(region):
    user = region.hsn_editor
    user.email = HSN_EMAIL
    user.save(update_fields=["email"])
    return user


def to_provider(client, *, next_url: str = "") -> str:
    """Start the single sign-on at styrkort; returns the provider's authorisation URL."""
    start = reverse("web:oidc-login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    answer = client.get(start)
    assert answer.status_code == 302, answer.content[:500]
    return answer["Location"]


def authorise(authorize_url: str, subject: str | None, *, deny: bool = False) -> str:
    """The person at the provider: the form is shown, then submitted. Returns styrkort's
    callback path (with code and state) that the provider redirects the browser to."""
    form = requests.get(authorize_url, timeout=5)
    assert form.status_code == 200, form.text[:500]
    data = {"action": "deny"} if deny else {"sub": subject}
    answer = requests.post(authorize_url, data=data, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text[:500]
    back = urlsplit(answer.headers["Location"])
    assert back.netloc == "testserver" and back.path == reverse("web:oidc-callback")
    return f"{back.path}?{back.query}"


def sso_login(client, subject: str, **kwargs):
    """The whole round: styrkort → provider → styrkort's callback. Returns (answer, callback)."""
    callback = authorise(to_provider(client, **kwargs), subject)
    return client.get(callback), callback


def logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


def assert_refused(answer, text: str) -> None:
    assert answer.status_code == 403
    page = answer.content.decode()
    assert "Inloggningen nekades" in page
    assert text in page
    assert "Traceback" not in page


# -- logging in ---------------------------------------------------------------------------------


def test_login_page_offers_sso_only_when_configured(client, settings, provider):
    page = client.get(reverse("web:login")).content.decode()
    assert "Logga in med organisationens konto" not in page
    assert client.get(reverse("web:oidc-login")).status_code == 404

    configure(settings, OIDC_ISSUER=provider)
    page = client.get(reverse("web:login") + "?next=/o/x/").content.decode()
    assert "Logga in med organisationens konto" in page
    assert f'href="{reverse("web:oidc-login")}?next=/o/x/"' in page


def test_sso_logs_in_the_account_with_that_email_in_any_case_and_records_the_subject(
    client, sso, hsn_editor, region
):
    answer, _ = sso_login(client, "hsn-sub")

    assert answer.status_code == 302
    assert answer["Location"] == resolve_url("web:home")  # LOGIN_REDIRECT_URL
    assert logged_in_user_id(client) == str(hsn_editor.pk)
    start = client.get(answer["Location"])
    assert start.status_code == 200
    assert start.context["user"] == hsn_editor
    assert "<h1>Mina uppgifter</h1>" in start.content.decode()  # the start page after login
    identity = ExternalIdentity.objects.get(user=hsn_editor)
    assert (identity.issuer, identity.subject) == (sso, "hsn-sub")
    # Recorded in the log of the organisation the user belongs to.
    assert AuditEvent.objects.filter(
        organisation=region.org, model="organisation.externalidentity", object_id=identity.pk
    ).exists()


def test_the_demos_hsn_editor_logs_in_through_the_provider_and_lands_on_mina_uppgifter(
    client, sso, demo
):
    answer, _ = sso_login(client, "demo-hsn-sub")

    assert answer.status_code == 302 and answer["Location"] == resolve_url("web:home")
    hsn = get_user_model().objects.get(username="hsn")
    assert logged_in_user_id(client) == str(hsn.pk)
    # On 5 May 2025 (the page takes the day to show), a week before Tertial 1's deadline.
    page = client.get(answer["Location"], {"datum": "2025-05-05"}).content.decode()
    assert "<h1>Mina uppgifter</h1>" in page
    assert "Minska miljö- och klimatpåverkan." in page  # one of HSN's open assessments


def test_sso_returns_to_the_page_asked_for(client, sso, hsn_editor, region):
    page = reverse("web:organisation", args=[region.org.slug])
    answer, _ = sso_login(client, "hsn-sub", next_url=page)
    assert answer["Location"] == page
    assert client.get(page).status_code == 200


def test_after_the_first_login_by_email_the_subject_alone_logs_in(
    client, settings, sso, hsn_editor
):
    sso_login(client, "hsn-sub")
    client.logout()
    # The address changes in styrkort; with matching by subject the login still finds her.
    hsn_editor.email = "hanna@annan.example"
    hsn_editor.save(update_fields=["email"])
    configure(settings, OIDC_ISSUER=sso, OIDC_MATCH_CLAIM="sub")

    answer, _ = sso_login(client, "hsn-sub")

    assert answer.status_code == 302
    assert logged_in_user_id(client) == str(hsn_editor.pk)


# -- refused ------------------------------------------------------------------------------------


def test_unknown_email_is_refused_in_swedish_and_creates_no_account(
    client, sso, hsn_editor, caplog
):
    users = get_user_model().objects.count()

    answer, _ = sso_login(client, "stranger-sub")

    assert_refused(answer, "Det finns inget konto i styrkort för dig")
    assert get_user_model().objects.count() == users
    assert not ExternalIdentity.objects.exists()
    assert logged_in_user_id(client) is None
    assert "OIDC login refused (unknown-user)" in caplog.text


def test_unknown_subject_is_refused_when_matching_by_subject(client, settings, sso, hsn_editor):
    configure(settings, OIDC_ISSUER=sso, OIDC_MATCH_CLAIM="sub")
    users = get_user_model().objects.count()

    answer, _ = sso_login(client, "hsn-sub")  # her address would match, her subject does not

    assert_refused(answer, "Det finns inget konto i styrkort för dig")
    assert get_user_model().objects.count() == users
    assert not ExternalIdentity.objects.exists()
    assert logged_in_user_id(client) is None


def test_an_address_shared_by_two_accounts_is_refused(client, sso, hsn_editor, region):
    region.reader.email = HSN_EMAIL.upper()
    region.reader.save(update_fields=["email"])

    answer, _ = sso_login(client, "hsn-sub")

    assert_refused(answer, "Flera konton i styrkort har samma e-postadress")
    assert logged_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_an_address_that_arrives_with_another_subject_is_refused(client, sso, hsn_editor):
    # She logged in before as "old-sub"; the provider now gives her address to "hsn-sub".
    ExternalIdentity.objects.create(user=hsn_editor, issuer=sso, subject="old-sub")

    answer, _ = sso_login(client, "hsn-sub")

    assert_refused(answer, "stämmer inte med det konto som styrkort har kopplat")
    assert logged_in_user_id(client) is None
    assert list(ExternalIdentity.objects.values_list("subject", flat=True)) == ["old-sub"]


def test_an_inactive_account_is_refused(client, sso, hsn_editor):
    hsn_editor.is_active = False
    hsn_editor.save(update_fields=["is_active"])

    answer, _ = sso_login(client, "hsn-sub")

    assert_refused(answer, "Ditt konto i styrkort är avstängt")
    assert logged_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_with_create_users_on_a_new_person_gets_an_account_without_any_role(
    client, settings, sso, region
):
    configure(settings, OIDC_ISSUER=sso, OIDC_CREATE_USERS="1")

    answer, _ = sso_login(client, "new-sub")

    assert answer.status_code == 302
    user = get_user_model().objects.get(email="ny.medarbetare@region.example")
    assert (user.username, user.first_name, user.last_name) == ("nora.ny", "Nora", "Ny")
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    assert ExternalIdentity.objects.get(user=user).subject == "new-sub"
    assert logged_in_user_id(client) == str(user.pk)
    # No role: the organisation's pages are not hers.
    assert client.get(reverse("web:organisation", args=[region.org.slug])).status_code == 404


def test_creating_accounts_is_off_by_default(settings, sso):
    assert settings.OIDC_CREATE_USERS is False


def test_a_code_issued_to_another_client_is_refused(client, sso, hsn_editor):
    authorize = urlsplit(to_provider(client))
    query = parse_qs(authorize.query)
    query["client_id"] = ["another-app"]  # the code is bound to another client at the provider
    tampered = urlunsplit(authorize._replace(query=urlencode(query, doseq=True)))

    answer = client.get(authorise(tampered, "hsn-sub"))

    assert_refused(answer, "inloggningstjänsten godtog inte koden")
    assert logged_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_an_id_token_for_another_audience_is_refused(client, settings, hsn_editor):
    with ExitStack() as stack:
        # The extension is chosen when the provider's app is made: patched for that moment only.
        with mock.patch.object(provider_internals, "OpenIDCode", OtherAudienceCode):
            issuer = stack.enter_context(running_provider())
        configure(settings, OIDC_ISSUER=issuer)
        answer, _ = sso_login(client, "hsn-sub")

    assert_refused(answer, "det är utfärdat för en annan tjänst än styrkort")
    assert logged_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_an_id_token_from_another_issuer_is_refused(client, settings, provider, hsn_editor):
    with running_provider() as second:
        # styrkort trusts `provider`, but the endpoints lead to a second provider, whose tokens
        # are properly signed by its own key and name itself as issuer.
        configure(
            settings,
            OIDC_ISSUER=provider,
            OIDC_AUTHORIZATION_ENDPOINT=f"{second}/oauth2/authorize",
            OIDC_TOKEN_ENDPOINT=f"{second}/oauth2/token",
            OIDC_USERINFO_ENDPOINT=f"{second}/userinfo",
            OIDC_JWKS_URI=f"{second}/jwks",
        )
        answer, _ = sso_login(client, "hsn-sub")

    assert_refused(answer, "det kommer från en annan utfärdare än den inställda")
    assert logged_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_an_expired_id_token_is_refused(client, settings, hsn_editor):
    with running_provider(access_token_max_age=timedelta(minutes=-5)) as stale:
        configure(settings, OIDC_ISSUER=stale)
        answer, _ = sso_login(client, "hsn-sub")

    assert_refused(answer, "det har gått ut")
    assert logged_in_user_id(client) is None
    assert not ExternalIdentity.objects.exists()


def test_a_replayed_callback_is_refused(client, sso, hsn_editor):
    first, callback = sso_login(client, "hsn-sub")
    assert first.status_code == 302

    again = client.get(callback)
    assert_refused(again, "Inloggningen har redan använts")

    # The same answer in another browser (one that never started a login) is refused too.
    from django.test import Client

    other = Client()
    assert_refused(other.get(callback), "Inloggningen har redan använts")
    assert logged_in_user_id(other) is None


def test_a_login_cancelled_at_the_provider_is_refused(client, sso, hsn_editor):
    answer = client.get(authorise(to_provider(client), None, deny=True))
    assert_refused(answer, "Inloggningen avbröts")
    assert logged_in_user_id(client) is None


def test_an_unreachable_provider_gives_a_swedish_page(client, settings):
    with running_provider() as gone:
        pass  # the port is free again: nothing answers there
    configure(settings, OIDC_ISSUER=gone, OIDC_TIMEOUT="2")

    answer = client.get(reverse("web:oidc-login"))

    assert_refused(answer, "gick inte att nå")


# -- local passwords ----------------------------------------------------------------------------


def test_local_login_off_refuses_the_password_of_that_organisations_members(client, region):
    changes = organisation_set_local_login(actor=SYSTEM, organisation=region.org, enabled=False)
    assert changes == {"local_login": [True, False]}

    answer = client.post(reverse("web:login"), {"username": "hsn_editor", "password": "demo"})

    assert answer.status_code == 200
    assert "Logga in med organisationens konto" in answer.content.decode()
    assert "loggar inte in med lösenord" in answer.content.decode()
    assert logged_in_user_id(client) is None


def test_local_login_stays_for_members_of_an_organisation_that_keeps_it(client, region):
    organisation_set_local_login(actor=SYSTEM, organisation=region.org, enabled=False)
    other_org = region.other_region_admin.memberships.get().organisation
    Membership.objects.create(user=region.reader, organisation=other_org, role="reader")

    answer = client.post(reverse("web:login"), {"username": "reader", "password": "demo"})

    assert answer.status_code == 302
    assert logged_in_user_id(client) == str(region.reader.pk)


def test_the_command_turns_local_login_off_and_back(region):
    out = io.StringIO()
    call_command("local_login", "off", organisation=region.org.name, stdout=out)
    region.org.refresh_from_db()
    assert region.org.local_login is False
    assert "lokala lösenord av" in out.getvalue()
    call_command("local_login", "on", organisation=region.org.slug, stdout=io.StringIO())
    region.org.refresh_from_db()
    assert region.org.local_login is True


def test_only_the_organisations_admin_turns_local_login_off(region):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        organisation_set_local_login(actor=region.reader, organisation=region.org, enabled=False)
    region.org.refresh_from_db()
    assert region.org.local_login is True


# -- logging out --------------------------------------------------------------------------------


def test_logout_ends_the_session_and_the_providers(client, sso, hsn_editor):
    sso_login(client, "hsn-sub")
    assert logged_in_user_id(client) == str(hsn_editor.pk)

    answer = client.post(reverse("web:logout"))

    assert answer.status_code == 302
    end_session = urlsplit(answer["Location"])
    assert f"{end_session.scheme}://{end_session.netloc}" == sso
    query = parse_qs(end_session.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver" + reverse("web:login")]
    assert query["id_token_hint"][0].count(".") == 2
    assert requests.get(answer["Location"], timeout=5).status_code == 200
    assert logged_in_user_id(client) is None
    protected = client.get(reverse("web:home"))
    assert protected.status_code == 302
    assert protected["Location"].startswith(reverse("web:login"))


def test_logout_after_a_password_login_stays_in_styrkort(client, sso, region):
    client.post(reverse("web:login"), {"username": "reader", "password": "demo"})
    answer = client.post(reverse("web:logout"))
    assert answer["Location"] == reverse("web:login")
    assert logged_in_user_id(client) is None


# -- configuration ------------------------------------------------------------------------------


def test_configuration_is_off_without_a_client_id_and_complete_with_one():
    assert oidc_settings({})["OIDC_ENABLED"] is False
    on = oidc_settings(
        {
            "OIDC_ISSUER": "https://login.microsoftonline.com/tid/v2.0",
            "OIDC_CLIENT_ID": "app",
            "OIDC_CLIENT_SECRET": "s",
            "OIDC_END_SESSION_ENDPOINT": "https://logout.example.se/end",
        }
    )
    assert on["OIDC_ENABLED"] is True
    assert on["OIDC_MATCH_CLAIM"] == "email"
    assert on["OIDC_RP_SIGN_ALGO"] == "RS256"
    assert on["OIDC_CREATE_USERS"] is False
    # The Content-Security-Policy lets the logout form be redirected to the provider.
    assert on["OIDC_FORM_ACTION_ORIGINS"] == [
        "https://login.microsoftonline.com",
        "https://logout.example.se",
    ]


COMPLETE = {
    "OIDC_CLIENT_ID": "app",
    "OIDC_CLIENT_SECRET": "s",
    "OIDC_ISSUER": "https://idp.example",
}


def _without(name: str) -> dict[str, str]:
    return {k: v for k, v in COMPLETE.items() if k != name}


@pytest.mark.parametrize(
    ("env", "named"),
    [
        (_without("OIDC_ISSUER"), "OIDC_ISSUER"),
        (_without("OIDC_CLIENT_SECRET"), "OIDC_CLIENT_SECRET"),
        (_without("OIDC_CLIENT_ID"), "OIDC_CLIENT_ID"),
        ({**COMPLETE, "OIDC_ISSUER": "idp.example"}, "OIDC_ISSUER"),
        ({**COMPLETE, "OIDC_MATCH_CLAIM": "upn"}, "OIDC_MATCH_CLAIM"),
        ({**COMPLETE, "OIDC_SIGN_ALGO": "HS256"}, "OIDC_SIGN_ALGO"),
        ({**COMPLETE, "OIDC_SIGN_ALGO": "none"}, "OIDC_SIGN_ALGO"),
        ({**COMPLETE, "OIDC_SCOPES": "email"}, "OIDC_SCOPES"),
        ({**COMPLETE, "OIDC_TIMEOUT": "0"}, "OIDC_TIMEOUT"),
        ({**COMPLETE, "OIDC_CREATE_USERS": "kanske"}, "OIDC_CREATE_USERS"),
        ({**COMPLETE, "OIDC_JWKS_URI": "ftp://idp.example/jwks"}, "OIDC_JWKS_URI"),
    ],
)
def test_a_half_made_configuration_stops_the_start_naming_the_variable(env, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        oidc_settings(env)
