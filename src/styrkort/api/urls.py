"""URLs of the api app: the REST API under api/v1/ and the token pages under konto/.

No app namespace here: the API registers its own ("api-v1"), and django-ninja's docs page
reverses its schema URL by that name alone.

The API itself (django-ninja, pydantic, every endpoint and schema) takes some 0.3 s to import,
so it is loaded when a request or a reverse() first reaches api/v1/, not by every command
whose system checks walk the URLs (`styrkort help`, `report`, `migrate`, …). The server loads
it at start (wsgi.py); tests check its patterns as Django's URL checks would.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage
from django.urls import URLPattern, URLResolver, path
from django.urls.resolvers import RoutePattern

from styrkort.api import views

# As `api.urls` names them (django-ninja's app name, our namespace); a test keeps them equal.
API_APP_NAME = "ninja"
API_NAMESPACE = "api-v1"
API_URLCONF = "styrkort.api.v1"


class LazyURLResolver(URLResolver):
    """A resolver whose URLconf is imported when a request under its prefix or a reverse()
    first needs it. Until then Django's URL checks, which walk every pattern of every resolver,
    see no patterns in it (and the namespace check, which asks with getattr(…, []), none
    either)."""

    def __init__(self, route: str, urlconf_name: str, **kwargs: Any) -> None:
        super().__init__(RoutePattern(route, is_endpoint=False), urlconf_name, **kwargs)

    @property
    def loaded(self) -> bool:
        return "urlconf_module" in self.__dict__  # URLResolver caches the imported module there

    def load(self) -> None:
        self.urlconf_module  # noqa: B018 - imports and caches it

    @property  # type: ignore[override]
    def url_patterns(self) -> list[Any]:
        if not self.loaded:
            raise AttributeError("url_patterns: not loaded yet")
        return URLResolver.url_patterns.func(self)  # type: ignore[attr-defined,no-any-return]

    def check(self) -> list[CheckMessage]:
        return super().check() if self.loaded else []

    def resolve(self, path: Any) -> Any:
        if not self.loaded and self.pattern.match(str(path)):
            self.load()  # a request under api/v1/; any other path is no match, as before
        return super().resolve(path)

    def _populate(self) -> None:  # reverse(), namespaces: the first reverse() into the API
        self.load()
        super()._populate()


urlpatterns: list[URLPattern | URLResolver] = [
    LazyURLResolver("api/v1/", API_URLCONF, app_name=API_APP_NAME, namespace=API_NAMESPACE),
    path("konto/api-nycklar/", views.token_index, name="api-tokens"),
    path("konto/api-nycklar/<int:pk>/aterkalla/", views.token_revoke, name="api-token-revoke"),
]
