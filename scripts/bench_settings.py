"""Settings for the page benchmark's server only: styrkort's, with a bare view beside the
real URLs (bench_urls) and each response's query count in a header. Never in production:
`styrkort serve` loads it only when scripts/bench_pages.py sets DJANGO_SETTINGS_MODULE."""

from styrkort.settings import *  # noqa: F403
from styrkort.settings import MIDDLEWARE

ROOT_URLCONF = "bench_urls"
# Outermost, so it counts every query of every middleware and the view, for page and bare.
MIDDLEWARE = ["bench_urls.count_queries", *MIDDLEWARE]
