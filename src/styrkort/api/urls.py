"""URLs of the api app: the REST API under api/v1/ and the token pages under konto/.

No app namespace here: the API registers its own ("api-v1"), and django-ninja's docs page
reverses its schema URL by that name alone.
"""

from django.urls import URLPattern, URLResolver, path

from styrkort.api import views
from styrkort.api.main import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/v1/", api.urls),
    path("konto/api-nycklar/", views.token_index, name="api-tokens"),
    path("konto/api-nycklar/<int:pk>/aterkalla/", views.token_revoke, name="api-token-revoke"),
]
