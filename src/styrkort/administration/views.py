"""The administration pages: an organisation's admin sets up its users and roles, bodies and
units, status scale, follow-up periods and its own settings.

Only the organisation's admin: anyone else gets 404, as for a page that does not exist. Every
write goes through the organisation and follow-up services (permission check, validation,
audit in one transaction); a refused write shows its reason beside the field and saves nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from styrkort.administration.forms import (
    KIND_LABELS,
    BodyCreateForm,
    BodyEditForm,
    ChoosePasswordForm,
    InviteForm,
    LogoForm,
    OrganisationForm,
    PeriodCreateForm,
    PeriodForm,
    PositionForm,
    ReopenForm,
    RolesForm,
    ScaleNameForm,
    StatusForm,
    UnitCreateForm,
    UnitForm,
)
from styrkort.core.models import Status
from styrkort.core.status import default_scale
from styrkort.followup import services as followup_services
from styrkort.followup.models import FollowUpPeriod
from styrkort.organisation import services
from styrkort.organisation.identity import password_login_allowed
from styrkort.organisation.invitations import invite_user
from styrkort.organisation.models import (
    Body,
    Membership,
    Organisation,
    OrganisationLogo,
    Position,
    Unit,
)
from styrkort.organisation.permissions import is_admin
from styrkort.organisation.selectors import body_list, member_list, unit_list
from styrkort.organisation.shortcuts import organisation_or_404


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    """The organisation in the URL, for its admin; 404 for anyone else."""
    organisation = organisation_or_404(request, slug)
    if not is_admin(request.user, organisation):
        raise Http404
    return organisation


def _errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, f"administration/{template}", {"nav": "settings", **context})


@login_required
def index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    return _render(request, "index.html", {"organisation": organisation})


# --- users and roles ---------------------------------------------------------------------------


ROLE_ORDER = ["admin", "controller", "registrar", "reader", "editor", "approver"]


def _role_lines(memberships: list[Membership]) -> list[str]:
    ordered = sorted(
        memberships,
        key=lambda m: (ROLE_ORDER.index(m.role), m.body.order if m.body else 0),
    )
    return [
        f"{m.get_role_display().capitalize()}" + (f" ({m.body.abbreviation})" if m.body else "")
        for m in ordered
    ]


def _state(user: Any) -> str:
    if not user.is_active:
        return "Avaktiverad"
    if not user.has_usable_password():
        return "Inbjuden, har inte valt lösenord"
    return "Aktiv"


@login_required
def users(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    rows = [
        {"user": u, "roles": _role_lines(u.roles_here), "state": _state(u)}
        for u in member_list(viewer=request.user, organisation=organisation)
    ]
    return _render(request, "users.html", {"organisation": organisation, "rows": rows})


def _link_for(request: HttpRequest) -> Any:
    def link(key: str) -> str:
        path = reverse("administration:invite-accept") + "?" + urlencode({"nyckel": key})
        return request.build_absolute_uri(path)

    return link


@login_required
def user_invite(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    form = InviteForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_invite(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                roles=form.grants(),
                link_for=_link_for(request),
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"En inbjudan är skickad till {user.email}.")
            return redirect("administration:users", organisation.slug)
    return _render(request, "user_invite.html", {"organisation": organisation, "form": form})


@login_required
def user_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, org)
    member = next(
        (u for u in member_list(viewer=request.user, organisation=organisation) if u.pk == pk),
        None,
    )
    if member is None:
        raise Http404
    here = member.roles_here
    initial = {
        "roles": [m.role for m in here if m.body is None],
        "editor_of": [m.body for m in here if m.role == "editor"],
        "approver_of": [m.body for m in here if m.role == "approver"],
    }
    action = request.POST.get("action") if request.method == "POST" else None
    form = RolesForm(
        request.POST if action == "roles" else None, organisation=organisation, initial=initial
    )
    problem = ""
    if action == "roles" and form.is_valid():
        try:
            lines = services.memberships_set(
                actor=request.user, organisation=organisation, user=member, roles=form.grants()
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(
                request, "Rollerna är sparade." if lines else "Inga ändringar av rollerna."
            )
            return redirect(request.path)
    elif action in ("deactivate", "reactivate", "invite"):
        try:
            if action == "deactivate":
                services.user_deactivate(actor=request.user, organisation=organisation, user=member)
                who = member.get_full_name() or member.username
                done = f"{who} är avaktiverad och kan inte logga in."
            elif action == "reactivate":
                services.user_reactivate(actor=request.user, organisation=organisation, user=member)
                done = f"{member.get_full_name() or member.username} kan logga in igen."
            else:
                services.user_invite_again(
                    actor=request.user,
                    organisation=organisation,
                    user=member,
                    link_for=_link_for(request),
                )
                done = f"En ny inbjudan är skickad till {member.email}."
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(request, done)
            return redirect(request.path)
    return _render(
        request,
        "user_detail.html",
        {
            "organisation": organisation,
            "member": member,
            "state": _state(member),
            "form": form,
            "problem": problem,
            "is_self": member.pk == request.user.pk,
        },
    )


@never_cache
def invite_accept(request: HttpRequest) -> HttpResponse:
    """The link from the invitation: choose a password. The key moves from the address to the
    session at once, so it is not in the browser's history or a Referer header."""
    key = request.GET.get("nyckel")
    if key is not None:
        request.session["invite_key"] = key
        return redirect("administration:invite-accept")
    key = request.session.get("invite_key", "")
    user = invite_user(key) if key else None
    if user is None:
        used = False
        if key:
            uid = key.split("-", 1)[0]
            try:
                found = get_user_model().objects.filter(pk=int(uid, 36)).first()
            except ValueError:
                found = None
            used = bool(found and found.has_usable_password())
        return render(request, "administration/invite_invalid.html", {"used": used}, status=410)
    if not password_login_allowed(user):
        return render(request, "administration/invite_sso.html", {"invitee": user})
    form = ChoosePasswordForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite_accept(key=key, password=form.cleaned_data["password1"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {"password1" if k == "password" else k: v for k, v in exc.message_dict.items()}
                )
            _errors(form, exc)
        else:
            del request.session["invite_key"]
            messages.success(
                request, f"Ditt lösenord är sparat. Logga in med användarnamnet {user.username}."
            )
            return redirect("web:login")
    return render(request, "administration/invite_accept.html", {"form": form, "invitee": user})


# --- bodies and units ---------------------------------------------------------------------------


@login_required
def bodies(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    form = BodyCreateForm(request.POST or None, initial={"kind": "committee", "is_active": True})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = services.body_create(
                actor=request.user,
                organisation=organisation,
                name=data["name"],
                abbreviation=data["abbreviation"],
                kind=data["kind"],
                order=data["order"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            _errors(form, _unique_named(exc))
        else:
            messages.success(request, f"{body.name} är tillagd.")
            return redirect("administration:bodies", organisation.slug)
    return _render(
        request,
        "bodies.html",
        {
            "organisation": organisation,
            "bodies": body_list(organisation=organisation),
            "kinds": KIND_LABELS,
            "form": form,
        },
    )


def _unique_named(exc: ValidationError) -> ValidationError:
    """The model's unique constraints, said for the field they are about."""
    if not hasattr(exc, "error_dict"):
        return exc
    errors = {}
    for name, messages_ in exc.message_dict.items():
        if name == "__all__" and any("förkortning" in m.lower() for m in messages_):
            errors["abbreviation"] = [
                "Förkortning: det finns redan en nämnd med den förkortningen."
            ]
        elif name == "__all__" and any("namn" in m.lower() for m in messages_):
            errors["name"] = ["Namn: det finns redan en nämnd med det namnet."]
        else:
            errors[name] = messages_
    return ValidationError(errors)


def _body(organisation: Organisation, pk: int) -> Body:
    body = Body.objects.filter(organisation=organisation, pk=pk).first()
    if body is None:
        raise Http404
    return body


@login_required
def body_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, org)
    body = _body(organisation, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    form = BodyEditForm(
        request.POST if action == "save" else None,
        initial={
            "name": body.name,
            "kind": body.kind,
            "order": body.order,
            "is_active": body.is_active,
            "aliases": body.aliases,
        },
    )
    position_form = PositionForm(request.POST if action == "position" else None, prefix="seat")
    problem = ""
    if action == "position" and position_form.is_valid():
        data = position_form.cleaned_data
        try:
            seat = services.position_add(
                actor=request.user,
                body=body,
                person_name=data["person_name"],
                party=data["party"],
                title=data["title"],
                presidium=data["presidium"],
                order=data["order"],
            )
        except ValidationError as exc:
            _errors(position_form, exc)
        else:
            messages.success(request, f"{seat.person} är tillagd som {seat.title.lower()}.")
            return redirect(request.path)
    elif action == "position-remove":
        ended = Position.objects.filter(body=body, pk=request.POST.get("position", "")).first()
        if ended is None:
            raise Http404
        services.position_remove(actor=request.user, position=ended)
        messages.success(
            request, f"{ended.person} har inte längre uppdraget {ended.title.lower()}."
        )
        return redirect(request.path)
    if action == "save" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = services.body_update(
                actor=request.user,
                body=body,
                name=data["name"],
                kind=data["kind"],
                order=data["order"],
                is_active=data["is_active"],
                aliases=data["aliases"],
            )
        except ValidationError as exc:
            body.refresh_from_db()
            _errors(form, _unique_named(exc))
        else:
            messages.success(request, "Ändringarna är sparade." if changes else "Inga ändringar.")
            return redirect("administration:bodies", organisation.slug)
    elif action == "delete":
        try:
            services.body_delete(actor=request.user, body=body)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            messages.success(request, f"{body.name} är borttagen.")
            return redirect("administration:bodies", organisation.slug)
    return _render(
        request,
        "body_detail.html",
        {
            "organisation": organisation,
            "body": body,
            "form": form,
            "problem": problem,
            "positions": body.positions.select_related("person").order_by("order", "pk"),
            "position_form": position_form,
        },
    )


def _tree(units: list[Unit]) -> list[dict[str, Any]]:
    """Bodies with their units as nested lists, in order."""
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def branch(parent: int | None, body_id: int) -> list[dict[str, Any]]:
        return [
            {"unit": u, "children": branch(u.pk, body_id)}
            for u in children.get(parent, [])
            if u.body_id == body_id
        ]

    seen: dict[int, Body] = {}
    for unit in units:
        seen.setdefault(unit.body_id, unit.body)
    return [{"body": b, "units": branch(None, b.pk)} for b in seen.values()]


@login_required
def units(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    all_units = unit_list(organisation=organisation).select_related("body")
    form = UnitCreateForm(request.POST or None, organisation=organisation, units=all_units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            unit = services.unit_create(
                actor=request.user,
                organisation=organisation,
                body=data["body"],
                parent=data["parent"],
                name=data["name"],
                description=data["description"],
                order=data["order"],
            )
        except ValidationError as exc:
            _errors(form, _unit_unique(exc))
        else:
            messages.success(request, f"{unit.name} är tillagd.")
            return redirect("administration:units", organisation.slug)
    return _render(
        request,
        "units.html",
        {"organisation": organisation, "tree": _tree(list(all_units)), "form": form},
    )


def _unit_unique(exc: ValidationError) -> ValidationError:
    if hasattr(exc, "error_dict") and "__all__" in exc.message_dict:
        return ValidationError(
            {"name": "Namn: det finns redan en enhet med det namnet på samma plats i trädet."}
        )
    return exc


@login_required
def unit_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, org)
    unit = Unit.objects.filter(organisation=organisation, pk=pk).select_related("body").first()
    if unit is None:
        raise Http404
    candidates = unit_list(organisation=organisation).filter(body=unit.body).exclude(pk=unit.pk)
    form = UnitForm(
        request.POST or None,
        units=candidates.select_related("body"),
        initial={
            "name": unit.name,
            "parent": unit.parent,
            "description": unit.description,
            "order": unit.order,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = services.unit_move(
                actor=request.user,
                unit=unit,
                name=data["name"],
                parent=data["parent"],
                order=data["order"],
                description=data["description"],
            )
        except ValidationError as exc:
            unit.refresh_from_db()
            _errors(form, _unit_unique(exc))
        else:
            messages.success(request, "Ändringarna är sparade." if changes else "Inga ändringar.")
            return redirect("administration:units", organisation.slug)
    return _render(
        request, "unit_detail.html", {"organisation": organisation, "unit": unit, "form": form}
    )


# --- the status scale ---------------------------------------------------------------------------


@login_required
def scale(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    the_scale = default_scale(organisation)
    statuses = list(Status.objects.filter(scale=the_scale).order_by("rank", "pk"))
    steps = [s for s in statuses if s.rank is not None]
    no_data = next((s for s in statuses if s.rank is None), None)
    data = request.POST if request.method == "POST" else None

    def initial(status: Status, position: int | None) -> dict[str, Any]:
        return {
            "code": status.code,
            "label": status.label,
            "colour": status.colour,
            "synonyms": ", ".join(status.words()[1:]),
            "position": position,
        }

    name_form = ScaleNameForm(data, initial={"name": the_scale.name})
    rows = [
        StatusForm(data, prefix=f"s{i}", initial=initial(s, i + 1)) for i, s in enumerate(steps)
    ]
    rows.append(StatusForm(data, prefix="new", initial={"colour": "#1f5fa8"}))
    no_data_form = StatusForm(
        data,
        prefix="nodata",
        no_data=True,
        initial=initial(no_data, None) if no_data else {"label": "Inga data", "colour": "#6b6b6b"},
    )
    problem = ""
    if data is not None:
        valid = all([name_form.is_valid(), no_data_form.is_valid(), *[r.is_valid() for r in rows]])
        if valid:
            kept = []
            for index, row in enumerate(rows):
                cd = row.cleaned_data
                if cd.get("remove") or not cd["label"]:
                    continue
                kept.append((cd.get("position") or index + 1, index, row))
            kept.sort(key=lambda k: (k[0], k[1]))
            try:
                lines = services.status_scale_set(
                    actor=request.user,
                    scale=the_scale,
                    name=name_form.cleaned_data["name"],
                    steps=[_step(row, steps) for _p, _i, row in kept],
                    no_data=_step(no_data_form, [no_data] if no_data else []),
                )
            except ValidationError as exc:
                problem = " ".join(exc.messages)
            else:
                messages.success(
                    request, "Statusskalan är sparad." if lines else "Inga ändringar i skalan."
                )
                return redirect("administration:scale", organisation.slug)
    return _render(
        request,
        "scale.html",
        {
            "organisation": organisation,
            "name_form": name_form,
            "rows": rows,
            "no_data_form": no_data_form,
            "problem": problem,
            "has_errors": bool(
                problem or name_form.errors or no_data_form.errors or any(r.errors for r in rows)
            ),
        },
    )


def _step(form: StatusForm, existing: list[Any]) -> services.StatusStep:
    cd = form.cleaned_data
    words = tuple(w.strip() for w in cd["synonyms"].split(",") if w.strip())
    code = cd.get("code") or ""
    if code and not any(s.code == code for s in existing if s is not None):
        code = ""  # a forged code names no status of this scale: a new one
    return services.StatusStep(label=cd["label"], colour=cd["colour"], synonyms=words, code=code)


# --- follow-up periods --------------------------------------------------------------------------


@login_required
def periods(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    form = PeriodCreateForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            period = followup_services.period_create(
                actor=request.user,
                organisation=organisation,
                year=data["year"],
                kind=data["kind"],
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                deadline=data["deadline"],
            )
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, f"{period.name} är skapad och öppen.")
            return redirect("administration:periods", organisation.slug)
    return _render(
        request,
        "periods.html",
        {
            "organisation": organisation,
            "periods": FollowUpPeriod.objects.filter(organisation=organisation).order_by(
                "-ends_on", "name"
            ),
            "form": form,
        },
    )


@login_required
def period_detail(request: HttpRequest, org: str, pk: int) -> HttpResponse:
    organisation = _organisation(request, org)
    period = FollowUpPeriod.objects.filter(organisation=organisation, pk=pk).first()
    if period is None:
        raise Http404
    action = request.POST.get("action") if request.method == "POST" else None
    form = PeriodForm(
        request.POST if action == "save" else None,
        initial={
            "kind": period.kind,
            "year": period.year,
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "deadline": period.deadline,
        },
    )
    reopen_form = ReopenForm(request.POST if action == "reopen" else None)
    problem = ""
    try:
        if action == "save" and form.is_valid():
            data = form.cleaned_data
            try:
                changes = followup_services.period_update(
                    actor=request.user,
                    period=period,
                    year=data["year"],
                    kind=data["kind"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    deadline=data["deadline"],
                    clear_deadline=data["deadline"] is None,
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(
                    request, "Ändringarna är sparade." if changes else "Inga ändringar."
                )
                return redirect(request.path)
        elif action == "close":
            followup_services.period_close(actor=request.user, period=period)
            messages.success(request, f"{period.name} är stängd: nu kan ingen ändra den.")
            return redirect(request.path)
        elif action == "reopen" and reopen_form.is_valid():
            followup_services.period_reopen(
                actor=request.user, period=period, reason=reopen_form.cleaned_data["reason"]
            )
            messages.success(request, f"{period.name} är öppen igen.")
            return redirect(request.path)
    except ValidationError as exc:
        problem = " ".join(exc.messages)
    period.refresh_from_db()
    return _render(
        request,
        "period_detail.html",
        {
            "organisation": organisation,
            "period": period,
            "form": form,
            "reopen_form": reopen_form,
            "problem": problem,
        },
    )


# --- the organisation ---------------------------------------------------------------------------


@login_required
def organisation_settings(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    action = request.POST.get("action", "save") if request.method == "POST" else None
    form = OrganisationForm(
        request.POST if action == "save" else None,
        initial={
            "name": organisation.name,
            "short_name": organisation.short_name,
            "kind": organisation.kind,
            "kolada_id": organisation.kolada_id,
            "diary_style": organisation.diary_style,
            "four_eyes": organisation.four_eyes,
            "reminder_days": organisation.reminder_days,
        },
    )
    logo = OrganisationLogo.objects.filter(organisation=organisation).only("alt", "pk").first()
    logo_form = LogoForm(
        request.POST if action == "logo" else None,
        request.FILES if action == "logo" else None,
        prefix="logo",
        initial={"alt": logo.alt if logo else f"{organisation.name}s logotyp"},
    )
    if action == "save" and form.is_valid():
        data = form.cleaned_data
        try:
            changes = services.organisation_update(
                actor=request.user, organisation=organisation, **data
            )
        except ValidationError as exc:
            organisation.refresh_from_db()
            _errors(form, exc)
        else:
            messages.success(request, "Ändringarna är sparade." if changes else "Inga ändringar.")
            return redirect("administration:organisation", organisation.slug)
    elif action == "logo" and logo_form.is_valid():
        try:
            services.organisation_logo_set(
                actor=request.user,
                organisation=organisation,
                data=logo_form.cleaned_data["file"].read(),
                alt=logo_form.cleaned_data["alt"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {"file" if k == "data" else k: v for k, v in exc.message_dict.items()}
                )
            _errors(logo_form, exc)
        else:
            messages.success(request, "Logotypen är sparad; dokumenten får den från och med nu.")
            return redirect("administration:organisation", organisation.slug)
    elif action == "logo-remove":
        services.organisation_logo_remove(actor=request.user, organisation=organisation)
        messages.success(request, "Logotypen är borttagen.")
        return redirect("administration:organisation", organisation.slug)
    return _render(
        request,
        "organisation.html",
        {"organisation": organisation, "form": form, "logo": logo, "logo_form": logo_form},
    )


@login_required
def organisation_logo(request: HttpRequest, org: str) -> HttpResponse:
    """The stored logo, for the settings page. An SVG is served so that nothing in it could
    run even if it slipped past the checks: no scripts, nothing fetched, nosniff."""
    organisation = _organisation(request, org)
    logo = OrganisationLogo.objects.filter(organisation=organisation).first()
    if logo is None:
        raise Http404
    response = HttpResponse(bytes(logo.data), content_type=logo.content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-cache"
    return response
