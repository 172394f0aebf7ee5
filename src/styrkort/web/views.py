"""Thin views for what every user shares: login, the start page, the overview, search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods, require_safe

from styrkort.core.forms import CleanTextMixin
from styrkort.core.ratelimit import rate_limited
from styrkort.core.text import control_character_message
from styrkort.followup.selectors import my_tasks, period_list
from styrkort.notifications.selectors import notice_get, notice_inbox
from styrkort.notifications.services import notices_mark_read
from styrkort.organisation.audience import Audience, audience_of
from styrkort.organisation.cache import cached_for
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import is_controller
from styrkort.organisation.selectors import body_list, member_organisations
from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.register.search import search
from styrkort.register.selectors import my_deadlines
from styrkort.web import tasks_html


class LoginForm(CleanTextMixin, AuthenticationForm):
    """The login form; its fields refuse control characters like every other form's."""


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    return organisation_or_404(request, slug)


@require_safe
@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Mina uppgifter, the page after login: per organisation, what the person has to write,
    approve and answer for, and for the controller each body's progress (`?datum=` shows it
    as of another day, as Tidsgränser does)."""
    try:
        today = dt.date.fromisoformat(request.GET.get("datum", ""))
    except ValueError:
        today = timezone.localdate()
    user = request.user
    organisations = list(member_organisations(viewer=user))
    many = len(organisations) > 1
    sections = []
    for org in organisations:
        aud = audience_of(user, org)

        def build(org: Organisation = org, aud: Audience = aud) -> MyTasksPart:
            section = MyTasksSection(
                organisation=org,
                tasks=my_tasks(viewer=aud, organisation=org, today=today),
                deadlines=my_deadlines(viewer=aud, organisation=org, today=today),
            )
            for p in section.tasks.periods:
                p.write_rows = tasks_html.write_rows(org, p)  # type: ignore[attr-defined]
                p.approve_rows = tasks_html.approve_rows(org, p)  # type: ignore[attr-defined]
            html = render_to_string(
                "web/_my_tasks_section.html", {"section": section, "today": today, "many": many}
            )
            # Rendered by the template engine, which escapes every value.
            return MyTasksPart(html=mark_safe(html), count=section.tasks.count)

        # Kept until the organisation's next change (organisation/cache.py), per person: four
        # eyes and the register's deadlines depend on who they are, not only on their roles.
        # Nothing of the request is in it (no form, no CSRF token, no nonce).
        sections.append(
            cached_for(aud, org, "my-tasks", build, getattr(user, "pk", None), today, many)
        )
    # The navigation's count is what these sections list: not asked again (templatetags).
    request._styrkort_task_count = sum(s.count for s in sections)  # type: ignore[attr-defined]
    return render(
        request, "web/my_tasks.html", {"sections": sections, "today": today, "nav": "my-tasks"}
    )


@dataclass
class MyTasksPart:
    """One organisation's part of Mina uppgifter, rendered: what the page and its navigation
    count need, and nothing of the request."""

    html: SafeString
    count: int


@dataclass
class MyTasksSection:
    organisation: Organisation
    tasks: Any
    deadlines: list[Any]

    @property
    def empty(self) -> bool:
        return not self.deadlines and not any(
            p.to_write or p.to_approve or p.progress for p in self.tasks.periods
        )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """Notiser: the person's notices (a text sent back, submitted, approved, a deadline), read
    and unread, newest first; a POST marks them all read."""
    if request.method == "POST":
        notices_mark_read(actor=request.user)
        return redirect("web:notices")
    return render(
        request,
        "web/notices.html",
        {"notices": notice_inbox(viewer=request.user), "nav": "notices"},
    )


@require_safe
@login_required
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice to where the work is done, marking it read; someone else's is 404."""
    found = notice_get(viewer=request.user, pk=pk)
    if found is None:
        raise Http404
    notices_mark_read(actor=request.user, ids=[found.pk])
    target = found.link
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = reverse("web:notices")
    return redirect(target)


@login_required
def organisation_overview(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    periods = list(period_list(viewer=request.user, organisation=organisation))
    return render(
        request,
        "web/organisation.html",
        {
            "organisation": organisation,
            "periods": periods,
            "bodies": list(body_list(organisation=organisation)),
            "nav": "overview",
            "can_import": is_controller(request.user, organisation),
        },
    )


@login_required
@rate_limited("search", when=lambda request: bool((request.GET.get("q") or "").strip()))
def search_page(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    query = (request.GET.get("q") or "").strip()[:200]
    error = control_character_message(query, where="Sökfrågan")
    if error:
        messages.error(request, error)
        query = ""
    results = search(viewer=request.user, organisation=organisation, text=query) if query else None
    if results is not None:
        # period_list is newest first: keep each year's latest period
        latest: dict[int, Any] = {}
        for period in period_list(viewer=request.user, organisation=organisation):
            latest.setdefault(period.year, period)
        for item in results.items:
            item.latest_period = latest.get(item.plan_version.plan.year)  # type: ignore[attr-defined]
    return render(
        request,
        "web/search.html",
        {"organisation": organisation, "query": query, "results": results, "nav": "search"},
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = (
        str(exception) if exception and str(exception) else "Du har inte behörighet till detta."
    )
    return render(request, "web/403.html", {"message": message}, status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)
