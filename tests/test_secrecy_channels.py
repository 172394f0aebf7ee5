"""What is secret stays secret, on every channel (offentlighets- och sekretesslagen).

Generated from the registries, so a new record type or a new page is covered without editing
this file:

- every record type with a secrecy rule (core/secrecy.py RULES) gets a secret record whose
  text fields carry a marker; a rule without a maker here fails the test, and so does a model
  with secrecy fields but no rule;
- every URL pattern of the project (pages, downloads in every format, feeds, search, the API)
  is fetched with the ids of those records, as the public, a reader, an editor and a
  controller (none of whom may read secrets); a URL parameter this file cannot fill fails it.

The marker must appear in no response, in any format (PDF read with pdftotext, Office files
unpacked). A positive control shows the registrar does read it, so the marker is really there.
The secret case and decision are registered through the API by the registrar, as the issue's
"done when" says.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import product
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from styrkort.core.actors import SystemActor
from styrkort.core.secrecy import RULES, Secrecy
from styrkort.followup.models import FollowUpPeriod
from styrkort.followup.services import assessment_save, indicator_value_set, overall_status_set
from styrkort.organisation.models import Body
from styrkort.planning.models import Plan
from styrkort.planning.services import item_create, target_set, version_in_force
from styrkort.register import services as register
from styrkort.register.models import Case, Decision, Meeting
from tests.api.conftest import ApiClient, token_of

MARKER = "Hemligmarkor7Q"
# A secret key figure's target and measured value: a number shows in many formats ("987654,321",
# "987 654", "987654.3210" in a spreadsheet's XML), so its digits are looked for with any
# thousands separator between them.
NUMBER = Decimal("987654.321")
NUMBER_SHOWN = re.compile(r"987[\s\u00a0\u202f,.'’]?654")
# Every secret text also holds this word; pages search for it, so the search box echoing the
# query is not mistaken for a leak: a hit would show the text, and the marker with it.
WORD = "Sokord4Z"
SECRET = f"{MARKER} {WORD}"
ACTOR = SystemActor("test")

# Members without the right to read secrets, and the public.
AUDIENCES = [None, "reader", "hsn", "controller"]


def _make_case_and_decision(ctx: dict[str, Any]) -> None:
    """The registrar registers a secret case and a secret decision whose point gives an
    assignment, through the API, each carrying the marker."""
    api = ApiClient(token_of(get_user_model().objects.get(username="registrator")))
    org = ctx["org"]
    case = api.post(
        f"/organisations/{org.slug}/cases",
        {
            "title": f"Ärende {SECRET}",
            "body": "RS",
            "opened_on": "2025-02-01",
            "secret": True,
            "secrecy_ground": "OSL 18 kap. 8 §",
        },
    )
    assert case.status_code == 201, case.content
    number = case.json()["number"]
    decision = api.post(
        f"/organisations/{org.slug}/decisions",
        {
            "case": number,
            "body": "RS",
            "decided_on": "2025-02-11",
            "title": f"Beslut {SECRET}",
            "secret": True,
            "secrecy_ground": "OSL 18 kap. 8 §",
            "points": [
                {
                    "text": f"Uppdrag {SECRET} till HSN.",
                    "assign_to": "HSN",
                    "deadline": "2025-04-30",
                }
            ],
        },
    )
    assert decision.status_code == 201, decision.content
    ctx["case"] = Case.objects.get(pk=case.json()["id"])
    ctx["decision"] = Decision.objects.get(pk=decision.json()["id"])
    point = ctx["decision"].points.get()
    ctx["item"] = point.assignment
    ctx["ids"] |= {ctx["case"].pk, ctx["decision"].pk, point.pk, point.assignment_id}


def _make_followup(ctx: dict[str, Any]) -> None:
    """The body's assessment and the overall status on the secret assignment, and a secret key
    figure with a value."""
    item = ctx["item"]
    for period in ctx["periods"]:
        if period.year != item.plan_version.plan.year:
            continue
        a, _ = assessment_save(
            actor=ACTOR,
            period=period,
            item=item,
            body=ctx["bodies"]["HSN"],
            status=None,
            comment=f"Kommentar {SECRET}",
        )
        o, _ = overall_status_set(
            actor=ACTOR, period=period, item=item, status=None, comment=f"Samlat {SECRET}"
        )
        ctx["ids"] |= {a.pk, o.pk}
    plan = Plan.objects.get(organisation=ctx["org"], body=ctx["bodies"]["RS"], year=2025)
    indicator = item_create(
        actor=ACTOR,
        version=version_in_force(plan),
        kind="indicator",
        text=f"Nyckeltal {SECRET}",
        measure_unit=MARKER,  # what it measures is as secret as its name
        allow_adopted=True,
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    ctx["ids"].add(indicator.pk)
    target = target_set(
        actor=ACTOR,
        indicator=indicator,
        year=2025,
        value=NUMBER,
        scope_note=f"Gäller {SECRET}",
        allow_adopted=True,
    )
    ctx["ids"].add(target.pk)
    for period in ctx["periods"]:
        if period.year == 2025 and not period.is_closed:
            value, _ = indicator_value_set(
                actor=ACTOR,
                indicator=indicator,
                period=period,
                value=NUMBER,  # the measured value is as secret as the target
                note=f"Not {SECRET}",
            )
            ctx["ids"].add(value.pk)


def _make_register(ctx: dict[str, Any]) -> None:
    """A secret governing document retired by an open decision's point, a secret agreement, a
    secret audit with a finding and an action, and an agenda item of the secret case."""
    org, rs = ctx["org"], ctx["bodies"]["RS"]
    doc = register.document_create(
        actor=ACTOR,
        organisation=org,
        title=f"Styrdokument {SECRET}",
        kind="policy",
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
    )
    open_case = register.case_register(
        actor=ACTOR,
        organisation=org,
        series="RS",
        title="Öppet ärende",
        opened_on=dt.date(2025, 1, 2),
    )
    register.decision_record(
        actor=ACTOR,
        case=open_case,
        body=rs,
        decided_on=dt.date(2025, 1, 21),
        title="Avveckling",
        points=[
            register.PointSpec(
                text="Dokumentet avvecklas.", retires=doc, retire_from=dt.date(2025, 6, 1)
            )
        ],
    )
    agreement = register.agreement_create(
        actor=ACTOR,
        organisation=org,
        title=f"Avtal {SECRET}",
        parties=f"Part {SECRET}",
        note=f"Not {SECRET}",
        secret=True,
        secrecy_ground="OSL 31 kap. 16 §",
        successor_due=dt.date(2026, 1, 1),
    )
    audit = register.audit_create(
        actor=ACTOR,
        organisation=org,
        title=f"Revision {SECRET}",
        auditor=f"Revisor {SECRET}",
        performed_on=dt.date(2025, 1, 15),
        summary=f"Sammanfattning {SECRET}",
        secret=True,
        secrecy_ground="OSL 18 kap. 8 §",
        findings=[{"kind": "minor", "count": 1, "text": f"Avvikelse {SECRET}"}],
    )
    finding = audit.findings.get()
    action = register.finding_action_add(
        actor=ACTOR, finding=finding, text=f"Åtgärd {SECRET}", due=dt.date(2025, 3, 1)
    )
    meeting = Meeting.objects.filter(organisation=org).order_by("starts_on").first()
    agenda = register.agenda_item_create(
        actor=ACTOR, meeting=meeting, number=99, title=f"Punkt {SECRET}", case=ctx["case"]
    )
    ctx["ids"] |= {doc.pk, agreement.pk, audit.pk, finding.pk, action.pk, agenda.pk}


MAKERS: list[Callable[[dict[str, Any]], None]] = [
    _make_case_and_decision,
    _make_followup,
    _make_register,
]


@pytest.fixture
def secret_world(db) -> dict[str, Any]:
    """The demo region with a secret record of every record type."""
    from styrkort.demo.loader import load_demo

    org = load_demo().organisation
    ctx: dict[str, Any] = {
        "org": org,
        "bodies": {b.abbreviation: b for b in Body.objects.filter(organisation=org)},
        "periods": list(FollowUpPeriod.objects.filter(organisation=org)),
        "ids": set(),
    }
    for make in MAKERS:
        make(ctx)
    return ctx


def test_every_record_type_with_secrecy_has_a_secret_record(secret_world):
    """A rule without a maker, or secrecy fields without a rule, fails here."""
    with_fields = {
        m
        for m in apps.get_models()
        if m.__module__.startswith("styrkort.") and issubclass(m, Secrecy) and not m._meta.proxy
    }
    assert with_fields <= set(RULES), f"secrecy fields without a rule: {with_fields - set(RULES)}"
    for model, rule in RULES.items():
        made = model._default_manager.all()
        if rule.own:
            made = made.filter(secret=True)
        found = [
            obj for obj in made if any(MARKER in str(getattr(obj, f) or "") for f in rule.redacted)
        ]
        assert found, f"no secret {model.__name__} with the marker: add a maker to MAKERS"


# --- the channels -------------------------------------------------------------------------


def _patterns(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _values(ctx: dict[str, Any]) -> dict[str, list[str]]:
    """What each URL parameter is filled with: the records that may leak."""
    org = ctx["org"]
    case = ctx["case"]
    ids = sorted(str(i) for i in ctx["ids"])
    return {
        "org": [org.slug],
        "period": [str(p.pk) for p in ctx["periods"]],
        "item": [str(ctx["item"].pk)],
        "body": ["HSN", "RS"],
        "plan": [str(p.pk) for p in Plan.objects.filter(organisation=org)],
        "frame": [str(f.pk) for f in org.budget_frames.all()] or ["1"],
        "series": [case.series],
        "serial": [str(case.serial)],
        "year": [str(case.year)],
        "fmt": ["txt", "html", "pdf", "docx", "xlsx", "csv"],
        "id": ids,
        "pk": ids,
        # Personal calendar feeds: the keys of the members who may not read secrets.
        "token": _calendar_keys(ctx),
        # A forgotten password's link (the keys above as its token: an invalid link's page).
        "uidb64": ["MQ"],
        # Background jobs: each member's whole-region PDF of every period, made by the worker
        # (the download answers with the job's page; the document is read from /jobb/…/fil).
        "job_id": _job_ids(ctx),
    }


def _job_ids(ctx: dict[str, Any]) -> list[str]:
    from styrkort.core.jobs import job_start
    from styrkort.reports.tasks import FOLLOWUP_DOCUMENT
    from tests.worker_helpers import run_worker

    if "job_ids" not in ctx:
        users = get_user_model().objects.filter(username__in=[a for a in AUDIENCES if a])
        jobs = [
            job_start(
                kind=FOLLOWUP_DOCUMENT,
                title="Uppföljning",
                owner=user,
                organisation_id=ctx["org"].pk,
                params={"period": period.pk, "format": "pdf"},
            )
            for user in users
            for period in ctx["periods"]
        ]
        run_worker()
        ctx["job_ids"] = [str(job.pk) for job in jobs]
    return ctx["job_ids"]


def _calendar_keys(ctx: dict[str, Any]) -> list[str]:
    from styrkort.register.services import calendar_token_renew

    if "calendar_keys" not in ctx:
        users = get_user_model().objects.filter(username__in=[a for a in AUDIENCES if a])
        ctx["calendar_keys"] = [calendar_token_renew(actor=u)[1] for u in users]
    return ctx["calendar_keys"]


# Query strings that make a page search for the marker's words.
SEARCHING = {"search": {"q": WORD}, "cases": {"q": WORD}, "matrix": {"q": WORD}}
# Query strings some pages need to show anything.
QUERIES = {"board": {"body": "RS", "date": "2025-02-11"}}
SKIPPED = {"logout"}  # ends the session the sweep uses


def _urls(ctx: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    values = _values(ctx)
    urls = []
    for pattern, view in _patterns():
        if pattern.startswith("admin/") or view.name in SKIPPED:
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", pattern)
        missing = [n for n in names if n not in values]
        assert not missing, f"{pattern}: no values for {missing}; add them to _values()"
        for combo in product(*(values[n] for n in names)):
            path = pattern
            for name, value in zip(names, combo, strict=True):
                path = re.sub(rf"<(?:\w+:)?{name}>", value, path, count=1)
            query = {**QUERIES.get(view.name or "", {}), **SEARCHING.get(view.name or "", {})}
            urls.append((view.name or pattern, "/" + path, query))
    return urls


def _text(response: Any) -> str:
    """Everything a person could read in the response, whatever its format."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if body.startswith(b"%PDF"):
        out = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True)
        return out.stdout.decode("utf-8", "replace")
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    if "json" in kind:
        return json.dumps(json.loads(body or b"null"), ensure_ascii=False)
    return body.decode("utf-8", "replace")


def _client(username: str | None) -> Client:
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def _api_client(username: str) -> ApiClient:
    return ApiClient(token_of(get_user_model().objects.get(username=username)))


@pytest.mark.parametrize("who", AUDIENCES, ids=lambda w: w or "public")
def test_the_marker_reaches_no_channel(secret_world, who):
    urls = _urls(secret_world)
    api = _api_client(who) if who else ApiClient()
    client = _client(who)
    leaks = []
    for name, path, query in urls:
        if path.startswith("/api/v1/"):
            response = api.get(path.removeprefix("/api/v1"), query)
        else:
            response = client.get(path, query)
        if response.status_code >= 500:
            leaks.append(f"{path}: {response.status_code}")
            continue
        text = _text(response)
        if MARKER.casefold() in text.casefold():
            leaks.append(f"{name} {path}?{query}")
        elif NUMBER_SHOWN.search(text):
            leaks.append(f"{name} {path}?{query} (the secret target value)")
    assert not leaks, f"{who or 'public'} reads the secret on {len(leaks)} channels: {leaks[:20]}"


def test_the_board_deck_leaves_secrets_out(secret_world):
    client = _client("controller")
    for fmt in ("pptx", "pdf"):
        response = client.post(
            "/o/{}/rapporter/styrelsen/".format(secret_world["org"].slug),
            {
                "action": "make",
                "body": secret_world["bodies"]["RS"].pk,
                "date": "2025-02-11",
                "since": "2024-12-01",
                "sections": ["economy", "plan", "agreements", "audits", "documents", "dates"],
                "format": fmt,
            },
        )
        assert response.status_code == 200
        assert MARKER not in _text(response)
        assert not NUMBER_SHOWN.search(_text(response))


def test_the_registrar_reads_the_secret(secret_world):
    """The control: the marker is in the data and the registrar reads it on the same pages."""
    case = secret_world["case"]
    client = _client("registrator")
    page = client.get(
        f"/o/{secret_world['org'].slug}/diariet/{case.series}/{case.serial}/{case.year}/"
    )
    assert MARKER in page.content.decode()
    api = _api_client("registrator")
    listed = api.get(f"/organisations/{secret_world['org'].slug}/assignments", {"year": 2025})
    assert MARKER in listed.content.decode()
    figures = api.get(f"/organisations/{secret_world['org'].slug}/indicators", {"year": 2025})
    assert NUMBER_SHOWN.search(figures.content.decode())


def test_a_secret_targets_value_is_blanked_like_its_text(secret_world):
    """The value is content as much as the scope note: read for an audience without the
    right, the target says only that it exists, on its own and prefetched with its key figure."""
    from styrkort.organisation.audience import Audience
    from styrkort.planning.models import PlanItem, Target

    public = Audience.public(secret_world["org"])
    target = Target.objects.shown_to(public).get(value=NUMBER)
    assert target.redacted and target.value is None and target.scope_note == ""
    indicator = (
        PlanItem.objects.shown_to(public).prefetch_related("targets").get(targets__value=NUMBER)
    )
    assert [t.value for t in indicator.targets.all()] == [None]
    with pytest.raises(TypeError):
        Target.objects.shown_to(public).values_list("value", flat=True)


def test_the_registrar_reads_the_secret_in_the_background_pdf(secret_world):
    """The control for the job files: the same background PDF, asked for on the web by the
    registrar, carries the marker, so the sweep's job files would have shown a leak."""
    from tests.worker_helpers import run_worker

    client = _client("registrator")
    slug = secret_world["org"].slug
    texts = []
    for period in secret_world["periods"]:
        answer = client.get(f"/o/{slug}/perioder/{period.pk}/rapport.pdf")
        assert answer.status_code == 302 and answer["Location"].startswith("/jobb/")
        run_worker()
        texts.append(_text(client.get(answer["Location"] + "fil")))
    assert any(MARKER.casefold() in t.casefold() for t in texts)


def test_a_secret_key_figures_measured_value_is_blanked_for_those_without_the_right(
    secret_world,
):
    """The period's key figures as members read them: the secret one is there (it exists), its
    value and note are not; the registrar reads both."""
    from django.contrib.auth import get_user_model

    from styrkort.followup.selectors import indicator_rows

    users = get_user_model().objects
    for period in secret_world["periods"]:
        for who in AUDIENCES[1:]:
            rows = indicator_rows(viewer=users.get(username=who), period=period)
            for row in rows:
                if row.value is not None and getattr(row.value, "redacted", False):
                    assert (row.value.value, row.value.note) == (None, ""), who
            assert all(r.value is None or r.value.value != NUMBER for r in rows), who
    registrar = indicator_rows(
        viewer=users.get(username="registrator"),
        period=next(p for p in secret_world["periods"] if p.year == 2025),
    )
    assert [r.value.value for r in registrar if r.value is not None] == [NUMBER]


def test_a_controller_who_may_not_read_a_secret_key_figure_cannot_overwrite_its_value(
    secret_world,
):
    """Registering a value one cannot see would overwrite it blind: the page offers no form for
    it, and a posted one is refused without a change."""
    from styrkort.followup.models import IndicatorValue

    period = next(p for p in secret_world["periods"] if p.year == 2025)
    stored = IndicatorValue.objects.get(period=period)
    url = f"/o/{secret_world['org'].slug}/perioder/{period.pk}/nyckeltal/"
    controller = _client("controller")
    page = controller.get(url).content.decode()
    assert f'name="indicator" value="{stored.indicator_id}"' not in page
    assert 'name="indicator"' in page  # the key figures they may read keep their forms
    prefix = f"i{stored.indicator_id}"
    response = controller.post(
        url, {"indicator": stored.indicator_id, f"{prefix}-value": "1", f"{prefix}-note": ""}
    )
    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.value == NUMBER
