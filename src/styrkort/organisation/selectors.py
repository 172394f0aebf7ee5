"""Reading organisations, their bodies and units.

That a public authority exists, its bodies and its administrative units are public. The
workspace is for members: `member_organisation` answers NotFound to anyone else, the same as for
an organisation that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from styrkort.core.errors import NotFound
from styrkort.organisation.audience import Level, Viewer, audience_of
from styrkort.organisation.models import Body, Organisation, Unit
from styrkort.organisation.permissions import memberships, organisations_of


def organisation_list() -> QuerySet[Organisation]:
    """Every organisation, by name (for the public pages and the API)."""
    return Organisation.objects.order_by("name", "pk")


def member_organisations(*, viewer: Viewer) -> QuerySet[Organisation]:
    """The organisations the viewer has a role in."""
    return Organisation.objects.filter(pk__in=organisations_of(viewer)).order_by("name")


def organisation_get(*, slug: str) -> Organisation:
    """Any organisation by slug; NotFound when there is none."""
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound(slug)
    return found


def member_organisation(*, viewer: Viewer, slug: str) -> Organisation:
    """One organisation by slug for its workspace; NotFound unless the viewer is a member.

    A user's organisations come with their memberships, read once a request for the audience
    anyway: a member's organisation costs no query of its own."""
    for membership in memberships(viewer):
        if membership.organisation.slug == slug:
            return membership.organisation
    org = organisation_get(slug=slug)
    if not audience_of(viewer, org).is_member:
        raise NotFound(slug)
    return org


def body_list(*, organisation: Organisation) -> QuerySet[Body]:
    return Body.objects.filter(organisation=organisation).order_by("order", "name", "pk")


def bodies_offered(*, organisation: Organisation, kept: Iterable[int] = ()) -> QuerySet[Body]:
    """The bodies a form offers to link to: the active ones, and those in `kept` (already
    linked: a retired body stays shown and checked where it was, so its history shows and
    saving does not drop it)."""
    return body_list(organisation=organisation).filter(Q(is_active=True) | Q(pk__in=list(kept)))


def unit_list(*, organisation: Organisation) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(organisation=organisation)
        .select_related("body")
        .order_by("body__order", "order", "name", "pk")
    )


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


def member_list(*, viewer: Viewer, organisation: Organisation) -> list[Any]:
    """The organisation's members (active or not) with their memberships here, by name; for
    its admin only (NotFound for anyone else). Two queries whatever their number."""
    from django.contrib.auth import get_user_model
    from django.db.models import Prefetch

    from styrkort.organisation.models import Membership

    if audience_of(viewer, organisation).level < Level.ADMIN:
        raise NotFound(organisation.slug)
    here = Membership.objects.filter(organisation=organisation).select_related("body")
    return list(
        get_user_model()
        .objects.filter(memberships__organisation=organisation)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=here, to_attr="roles_here"))
        .order_by("last_name", "first_name", "username")
    )
