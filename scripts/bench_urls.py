"""The benchmark's URLs: styrkort's own, and /__bare/, the floor a page is measured against:
one query, the same middleware, the same server."""

import gc
import time
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from styrkort.organisation.models import Organisation
from styrkort.urls import urlpatterns as styrkort_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{Organisation.objects.values_list('pk', flat=True).first()}")


_gc_ms = 0.0
_gc_began = 0.0


def _gc_timer(phase: str, info: dict[str, int]) -> None:
    global _gc_ms, _gc_began
    if phase == "start":
        _gc_began = time.perf_counter()
    else:
        _gc_ms += (time.perf_counter() - _gc_began) * 1000


gc.callbacks.append(_gc_timer)


def count_queries(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    """Each response's query count, and the milliseconds the cyclic garbage collector paused
    this process while it was made (all threads' collections: the figure is per process)."""

    def middleware(request: HttpRequest) -> Any:
        count = 0
        gc_before = _gc_ms

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = get_response(request)
        response["X-Bench-Queries"] = str(count)
        response["X-Bench-GC-ms"] = f"{_gc_ms - gc_before:.1f}"
        return response

    return middleware


urlpatterns = [path("__bare/", bare), *styrkort_urlpatterns]
