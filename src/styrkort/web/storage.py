"""Static files as `styrkort serve` collects them: hashed names and compressed copies."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's storage, lenient about a file missing from the manifest: such a file (or
    any file before the first collectstatic, e.g. under `runserver`) is linked by its plain
    name instead of failing the page with a 500."""

    manifest_strict = False
