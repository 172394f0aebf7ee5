"""Reading organisations and their bodies, as the user may see them."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from styrkort.core.errors import NotFound
from styrkort.organisation.models import Body, Organisation
from styrkort.organisation.permissions import organisations_of


def organisation_list(*, user: Any) -> QuerySet[Organisation]:
    """The organisations the user is a member of."""
    return Organisation.objects.filter(pk__in=organisations_of(user)).order_by("name")


def organisation_get(*, user: Any, slug: str) -> Organisation:
    """One organisation by slug; NotFound when it does not exist or the user is not a member."""
    org = organisation_list(user=user).filter(slug=slug).first()
    if org is None:
        raise NotFound(slug)
    return org


def body_list(*, organisation: Organisation) -> QuerySet[Body]:
    return Body.objects.filter(organisation=organisation).order_by("order", "name")


def sole_organisation(name: str | None = None) -> Organisation:
    """For the command line: the named organisation, or the only one there is."""
    if name:
        org = Organisation.objects.filter(name__iexact=name).first() or (
            Organisation.objects.filter(slug=name).first()
            or Organisation.objects.filter(short_name__iexact=name).first()
        )
        if org is None:
            known = ", ".join(Organisation.objects.values_list("name", flat=True)) or "inga"
            raise NotFound(f"Organisationen {name!r} finns inte (finns: {known}).")
        return org
    orgs = list(Organisation.objects.all()[:2])
    if not orgs:
        raise NotFound("Det finns ingen organisation ännu; kör `styrkort demo` eller skapa en.")
    if len(orgs) > 1:
        raise NotFound("Det finns flera organisationer; ange vilken med --organisation.")
    return orgs[0]
