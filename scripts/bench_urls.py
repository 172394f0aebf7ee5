"""The benchmark's URLs: styrkort's own, and /__bare/, the floor a page is measured against:
one query, the same middleware, the same server."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from styrkort.organisation.models import Organisation
from styrkort.urls import urlpatterns as styrkort_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(f"{Organisation.objects.values_list('pk', flat=True).first()}")


def count_queries(get_response: Callable[[HttpRequest], Any]) -> Callable[[HttpRequest], Any]:
    def middleware(request: HttpRequest) -> Any:
        count = 0

        def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = get_response(request)
        response["X-Bench-Queries"] = str(count)
        return response

    return middleware


urlpatterns = [path("__bare/", bare), *styrkort_urlpatterns]
