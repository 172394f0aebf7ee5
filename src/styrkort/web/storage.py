"""Static files as `styrkort serve` collects them: hashed names, served by WhiteNoise."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class StaticStorage(ManifestStaticFilesStorage):
    """Hashed names (`styrkort.3f2a….css`), which WhiteNoise serves with a year's caching and
    `immutable`: a browser never keeps an old file after an upgrade. Not compressed here:
    WhiteNoise's brotli pass over the API docs' bundle takes minutes on a busy two-core
    machine at every start; the proxy compresses on the fly instead (nginx `gzip on`).

    Lenient about a file missing from the manifest: such a file (or any file before the first
    collectstatic, e.g. under `runserver`) is linked by its plain name instead of a 500."""

    manifest_strict = False
