"""The Django admin, for the installation admin's inspection only: it reads and never writes.

Every write in styrkort goes through a service, which checks the actor's right and writes the
audit record in the same transaction; the Django admin's forms would do neither. So each model
here, and Django's own users and groups, is registered with `ReadOnlyAdmin`: no add, change or
delete, no bulk delete action. Only the organisation's structure is registered (organisations,
bodies, units, memberships, status scales, periods): records that may be secret (cases,
decisions, assessments, the change log with their texts) are left out, because the admin does
not read through the selectors and their secrecy. Those are seen on the organisation's pages.

What other apps register (django-axes' login attempts, the task results) is made read-only the
same way, at the end of this module (this app comes after them in INSTALLED_APPS): a locked-out
login is released with `styrkort axes_reset_username NAME`, not in the admin.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.http import HttpRequest

from styrkort.core.models import Status, StatusScale
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation.models import Body, Membership, Organisation, Unit


class ReadOnly:
    """Inspection without writes: the pages styrkort's services do not stand behind."""

    actions: Any = None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "kind", "kolada_id", "four_eyes", "local_login")
    search_fields = ("name", "slug")


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ("abbreviation", "name", "organisation", "kind", "order", "is_active")
    list_filter = ("organisation",)
    list_select_related = ("organisation",)


@admin.register(Unit)
class UnitAdmin(ReadOnlyAdmin):
    list_display = ("name", "body", "parent", "organisation")
    list_filter = ("organisation",)
    list_select_related = ("organisation", "body", "parent")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organisation", "role", "body")
    list_filter = ("organisation", "role")
    list_select_related = ("user", "organisation", "body")


@admin.register(StatusScale)
class StatusScaleAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "is_default")
    list_select_related = ("organisation",)


@admin.register(Status)
class StatusAdmin(ReadOnlyAdmin):
    list_display = ("label", "scale", "rank", "colour")
    list_select_related = ("scale",)


@admin.register(FollowUpPeriod)
class FollowUpPeriodAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "year", "kind", "deadline", "is_closed")
    list_filter = ("organisation", "is_closed")
    list_select_related = ("organisation",)


User = get_user_model()
for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    # Never the password's hash, not even to the superuser.
    fields = ("username", "first_name", "last_name", "email", "is_active", "is_superuser")
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")


@admin.register(Group)
class GroupAdmin(ReadOnlyAdmin):
    fields = ("name",)
    list_display = ("name",)


# Whatever the other apps registered: the same admin, without its writes.
for _model, _model_admin in list(admin.site._registry.items()):
    if not isinstance(_model_admin, ReadOnly):
        admin.site.unregister(_model)
        _name = f"ReadOnly{type(_model_admin).__name__}"
        admin.site.register(_model, type(_name, (ReadOnly, type(_model_admin)), {}))
