"""The installation admin's pages: the organisations of this installation, and a new one with
its first admin invited by e-mail.

Only a superuser (`is_installation_admin`); anyone else gets 404, as for a page that does not
exist. The organisation pages themselves stay each organisation's own.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from styrkort.administration.forms import OrganisationCreateForm
from styrkort.administration.views import _errors, _link_for
from styrkort.organisation import services
from styrkort.organisation.models import Organisation
from styrkort.organisation.permissions import is_installation_admin


def _installation_admin(request: HttpRequest) -> None:
    if not is_installation_admin(request.user):
        raise Http404


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    _installation_admin(request)
    rows = Organisation.objects.annotate(
        body_count=Count("bodies", distinct=True),
        admin_count=Count("memberships", filter=Q(memberships__role="admin"), distinct=True),
    ).order_by("name")
    return render(
        request, "administration/installation/organisations.html", {"organisations": rows}
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    _installation_admin(request)
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation, admin = services.organisation_start(
                actor=request.user,
                name=data["name"],
                kind=data["kind"],
                slug=data["slug"],
                admin_email=data["admin_email"],
                admin_first_name=data["admin_first_name"],
                admin_last_name=data["admin_last_name"],
                link_for=_link_for(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {"admin_email" if k == "email" else k: v for k, v in exc.message_dict.items()}
                )
            _errors(form, exc)
        else:
            messages.success(
                request,
                f"{organisation.name} är skapad. En inbjudan är skickad till {admin.email}.",
            )
            return redirect("administration:organisations")
    return render(request, "administration/installation/organisation_create.html", {"form": form})
