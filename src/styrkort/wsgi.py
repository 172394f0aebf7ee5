import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrkort.settings")
application = get_wsgi_application()

# The server answers the API: load it now rather than in the first API request (commands leave
# it unloaded, see api/urls.py).
import styrkort.api.v1  # noqa: E402, F401
