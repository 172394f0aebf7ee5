"""Uploads bounded in bytes while they stream in, before they reach the disk.

Django's own limits do not do this: FILE_UPLOAD_MAX_MEMORY_SIZE only decides between memory
and a temporary file, and a view that checks `upload.size` does so after the whole file has
been written to that file. These handlers count the bytes as they arrive and stop the upload
at UPLOAD_MAX_BYTES (a request whose Content-Length is already larger is stopped before its
first byte is read); the view then finds `request.upload_refused` with a Swedish message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import (
    MemoryFileUploadHandler,
    StopUpload,
    TemporaryFileUploadHandler,
)
from django.http import HttpRequest


def limit_message(limit: int) -> str:
    return (
        f"Filen är större än {limit // (1024 * 1024)} MB och lästes inte in; "
        "dela upp den eller välj en mindre."
    )


def refused(request: HttpRequest) -> str | None:
    """The message for an upload the handlers stopped, or None."""
    return getattr(request, "upload_refused", None)


class _Limit:
    request: HttpRequest | None
    received: int = 0
    declared_too_big: bool = False

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.upload_refused = limit_message(settings.UPLOAD_MAX_BYTES)  # type: ignore[attr-defined]
        # The rest of the request is read and dropped (not stored), so the browser gets the
        # page with the message rather than a reset connection.
        raise StopUpload(connection_reset=False)

    def _start(self, content_length: int) -> None:
        # Raising here would escape Django's parser as a 500: refuse at the first file chunk.
        self.declared_too_big = bool(
            content_length and content_length > settings.UPLOAD_MAX_BYTES + 64 * 1024
        )

    def _count(self, raw_data: bytes) -> None:
        self.received += len(raw_data)
        if self.declared_too_big or self.received > settings.UPLOAD_MAX_BYTES:
            self._refuse()


class LimitedMemoryUploadHandler(_Limit, MemoryFileUploadHandler):
    """Small files in memory, as Django does, but never past the limit."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> Any:
        self._start(content_length)
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._count(raw_data)
        return super().receive_data_chunk(raw_data, start)


class LimitedTemporaryFileUploadHandler(_Limit, TemporaryFileUploadHandler):
    """Larger files in a temporary file, stopped (and the file deleted) past the limit."""

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: Any = None
    ) -> Any:
        self._start(content_length)
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self._count(raw_data)
        return super().receive_data_chunk(raw_data, start)
