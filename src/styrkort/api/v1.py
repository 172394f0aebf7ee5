"""The API's URL patterns (django-ninja's), imported on first use by api/urls.py."""

from styrkort.api.main import api

urlpatterns, _app_name, _namespace = api.urls
