"""Plan screens: the plan with its goals, key figures and assignments, versions and diff,
and, for controllers, authoring: new plans, next year's plan from this year's, items in a
draft version, revisions and adoption."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from styrkort.core.errors import NotFound
from styrkort.organisation.models import Organisation
from styrkort.organisation.shortcuts import organisation_or_404
from styrkort.planning import selectors, services
from styrkort.planning.diff import version_diff
from styrkort.planning.forms import AdoptForm, ItemForm, PlanForm
from styrkort.planning.models import Plan, PlanItem, PlanVersion
from styrkort.planning.permissions import can_edit_plan
from styrkort.planning.services import version_in_force


def _organisation(request: HttpRequest, slug: str) -> Organisation:
    return organisation_or_404(request, slug)


def _errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def plan_index(request: HttpRequest, org: str) -> HttpResponse:
    organisation = _organisation(request, org)
    plans = selectors.plan_list(viewer=request.user, organisation=organisation)
    probe = Plan(organisation=organisation)
    may_edit = can_edit_plan(request.user, probe)
    form = PlanForm(request.POST or None, organisation=organisation) if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise Http404
        try:
            if request.POST.get("action") == "copy":
                source = next((p for p in plans if str(p.pk) == request.POST.get("plan")), None)
                if source is None:
                    raise Http404
                plan = services.plan_copy_to_next_year(actor=request.user, source=source)
                messages.success(request, f"{plan} är skapad som utkast från {source}.")
                return redirect("planning:plan", organisation.slug, plan.pk)
            if form is not None and form.is_valid():
                plan = services.plan_create(
                    actor=request.user,
                    organisation=organisation,
                    body=form.cleaned_data["body"],
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"],
                )
                messages.success(request, f"{plan} är skapad.")
                return redirect("planning:plan", organisation.slug, plan.pk)
        except ValidationError as exc:
            if form is not None:
                _errors(form, exc)
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "planning/index.html",
        {"organisation": organisation, "plans": plans, "form": form, "nav": "plans"},
    )


@login_required
def plan_detail(request: HttpRequest, org: str, plan: int) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        the_plan = selectors.plan_get(viewer=request.user, organisation=organisation, pk=plan)
    except NotFound as exc:
        raise Http404 from exc
    versions = sorted(the_plan.versions.all(), key=lambda v: v.number)
    in_force = version_in_force(the_plan)
    newest = versions[-1] if versions else None
    draft = newest if newest and newest.state == PlanVersion.State.DRAFT else None
    may_edit = can_edit_plan(request.user, the_plan)
    item_form = ItemForm(version=draft) if (may_edit and draft) else None
    adopt_form = AdoptForm() if (may_edit and draft) else None

    if request.method == "POST":
        if not may_edit:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "revise":
                services.plan_revision_create(actor=request.user, plan=the_plan)
                messages.success(request, "En ny version är skapad som utkast.")
                return redirect(request.path)
            if draft is None:
                raise ValidationError("Planen har inget utkast att ändra; revidera den först.")
            if action == "add":
                item_form = ItemForm(request.POST, version=draft)
                if item_form.is_valid():
                    _save_item(request, draft, None, item_form.cleaned_data)
                    messages.success(request, "Punkten är tillagd.")
                    return redirect(request.path)
            elif action == "remove":
                item = draft.items.filter(pk=request.POST.get("item", "")).first()
                if item is None:
                    raise Http404
                services.item_remove(actor=request.user, item=item)
                messages.success(request, "Punkten är borttagen ur utkastet.")
                return redirect(request.path)
            elif action == "adopt":
                adopt_form = AdoptForm(request.POST)
                if adopt_form.is_valid():
                    services.plan_version_adopt(
                        actor=request.user,
                        version=draft,
                        adopted_on=adopt_form.cleaned_data["adopted_on"],
                        decision_reference=adopt_form.cleaned_data["decision_reference"],
                    )
                    messages.success(
                        request, f"Version {draft.number} är fastställd och gäller nu."
                    )
                    return redirect(request.path)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))

    by_number = {v.number: v for v in versions}
    new: PlanVersion | None
    old: PlanVersion | None
    try:
        new = by_number[int(request.GET.get("till", newest.number if newest else 0))]
        old = by_number[int(request.GET.get("fran", new.number - 1))]
    except (KeyError, ValueError):
        new = old = None
    shown = draft if (may_edit and draft) else in_force
    return render(
        request,
        "planning/plan.html",
        {
            "organisation": organisation,
            "plan": the_plan,
            "versions": versions,
            "in_force": in_force,
            "shown": shown,
            "draft": draft,
            "items": selectors.version_items(viewer=request.user, version=shown) if shown else [],
            "old": old,
            "new": new,
            "changes": version_diff(viewer=request.user, old=old, new=new)
            if old and new and old != new
            else [],
            "may_edit": may_edit,
            "item_form": item_form,
            "adopt_form": adopt_form,
            "events": selectors.plan_history(viewer=request.user, plan=the_plan),
            "nav": "plans",
        },
    )


def _save_item(
    request: HttpRequest, version: PlanVersion, item: PlanItem | None, data: dict[str, Any]
) -> PlanItem:
    fields = {
        k: data[k]
        for k in (
            "kind",
            "text",
            "deadline",
            "measure_unit",
            "direction",
            "scope_note",
            "kolada_kpi",
        )
    }
    return services.item_save(
        actor=request.user,
        version=version,
        item=item,
        receivers=list(data["receivers"]),
        parent=data["parent"] if item is None else None,
        target=data.get("target"),
        **fields,
    )


@login_required
def item_edit(request: HttpRequest, org: str, plan: int, item: int) -> HttpResponse:
    organisation = _organisation(request, org)
    try:
        the_plan = selectors.plan_get(viewer=request.user, organisation=organisation, pk=plan)
    except NotFound as exc:
        raise Http404 from exc
    try:
        the_item = selectors.plan_item_get(viewer=request.user, plan=the_plan, pk=item)
    except NotFound as exc:
        raise Http404 from exc
    if not can_edit_plan(request.user, the_plan):
        raise Http404
    version = the_item.plan_version
    target = the_item.targets.filter(year=the_plan.year).first()
    form = ItemForm(
        request.POST or None,
        version=version,
        initial={
            "kind": the_item.kind,
            "text": the_item.text,
            "parent": the_item.parent,
            "receivers": list(the_item.receivers.all()),
            "deadline": the_item.deadline,
            "measure_unit": the_item.measure_unit,
            "direction": the_item.direction,
            "scope_note": the_item.scope_note,
            "kolada_kpi": the_item.kolada_kpi,
            "target": target.value if target else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save_item(request, version, the_item, form.cleaned_data)
            messages.success(request, "Punkten är ändrad.")
            return redirect(reverse("planning:plan", args=[organisation.slug, the_plan.pk]))
        except ValidationError as exc:
            _errors(form, exc)
    return render(
        request,
        "planning/item_form.html",
        {
            "organisation": organisation,
            "plan": the_plan,
            "item": the_item,
            "form": form,
            "nav": "plans",
        },
    )
