"""Contract tests: schemathesis drives the live schema in-process, as the public and with
tokens; every response must be documented, match its schema, and never be a server error.

Three passes, all derandomised (a fixed number of examples per operation, no example
database), so a run is repeatable and takes about two minutes:

- fuzzing as the public: positive and negative data for every operation, with the
  organisation pinned to the demo's as well as generated;
- the same with the admin's token (who may write in the register and the budget);
- a walk through every operation with real records and each write by the role that may do
  it (editor, approver, registrar, controller), so the success answers (200, 201, 304) are
  checked against the schema too, not only the refusals.

Generated writes go through the real services in the test's transaction, on the demo region
plus one secret case with a secret decision.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from styrkort.core.actors import SYSTEM
from styrkort.followup.models import Assessment, FollowUpPeriod
from styrkort.planning.selectors import items_in_force
from styrkort.register.services import PointSpec, case_register, decision_record
from tests.api.conftest import token_of

EXAMPLES = 12
PREFIX = "/api/v1"


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, keeping the test's database connection across
    requests, as Django's test client does: after each request Django closes a connection
    that is inside a transaction (the test's), which on PostgreSQL would lose the test data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(demo, wsgi_app):
    org = demo.organisation
    secret = case_register(
        actor=SYSTEM,
        organisation=org,
        series="RS",
        title="Upphandling av vårdtjänster, anbud",
        opened_on=dt.date(2025, 2, 1),
        secret=True,
        secrecy_ground="OSL 19 kap. 3 §",
    )
    decision_record(
        actor=SYSTEM,
        case=secret,
        body=org.bodies.get(abbreviation="RS"),
        decided_on=dt.date(2025, 2, 11),
        title="Tilldelning",
        points=[PointSpec(text="Tilldela kontraktet.")],
        secret=True,
        secrecy_ground="OSL 19 kap. 3 §",
    )
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", wsgi_app)
    schema.config.generation.update(
        max_examples=EXAMPLES,
        deterministic=True,
        database="none",
        # The caller's token is ours to give; generated Authorization headers would only
        # test the 401 that tests/api/test_tokens.py already covers.
        with_security_parameters=False,
    )
    return demo, schema


def _bearer(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token_of(get_user_model().objects.get(username=username))}"}


def _excluded(operation: Any) -> list[Any]:
    # A write refuses schema-valid input that breaks a rule of the domain (an unknown diary
    # number, a closed period, a frame whose total would change) with 422, and no JSON Schema
    # can say so. Reads must accept every schema-valid request.
    return [positive_data_acceptance] if operation.method.upper() != "GET" else []


def _checker(strategy: Any, headers: dict[str, str], excluded: list[Any]) -> Any:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    return check


def _fuzz(schema: Any, headers: dict[str, str], slug: str) -> list[str]:
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        excluded = _excluded(operation)
        strategies = [
            (mode, operation.as_strategy(generation_mode=mode))
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
        if "{org}" in operation.path:
            pinned = operation.as_strategy(
                generation_mode=GenerationMode.POSITIVE, path_parameters={"org": slug}
            )
            strategies.append((GenerationMode.POSITIVE, pinned))
        for mode, strategy in strategies:
            check = _checker(strategy, headers, excluded)
            try:
                check()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # every operation's failures, then one report
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    return failures


def test_fuzzing_as_the_public(world):
    demo, schema = world
    failures = _fuzz(schema, {}, demo.organisation.slug)
    assert not failures, "\n\n".join(failures)


def test_fuzzing_with_a_token(world):
    demo, schema = world
    failures = _fuzz(schema, _bearer("admin"), demo.organisation.slug)
    assert not failures, "\n\n".join(failures)


class Walk:
    """Calls operations with chosen data and validates each answer against the schema."""

    def __init__(self, schema: Any, slug: str) -> None:
        self.schema = schema
        self.slug = slug
        self.statuses: dict[str, set[int]] = {}

    def call(
        self,
        method: str,
        path: str,
        *,
        expect: int,
        headers: dict[str, str] | None = None,
        ids: dict[str, Any] | None = None,
        body: Any = None,
        query: dict[str, Any] | None = None,
    ) -> Any:
        operation = self.schema[f"{PREFIX}{path}"][method]
        kwargs: dict[str, Any] = {"path_parameters": {"org": self.slug, **(ids or {})}}
        if body is not None:
            kwargs["body"] = body
            kwargs["media_type"] = "application/json"
        if query:
            kwargs["query"] = query
        case = operation.Case(**kwargs)
        response = case.call_and_validate(
            headers=headers or {}, excluded_checks=_excluded(operation)
        )
        assert response.status_code == expect, (method, path, response.text[:500])
        self.statuses.setdefault(f"{method.upper()} {path}", set()).add(response.status_code)
        return response


def test_every_operation_answers_real_requests_as_documented(world):
    demo, schema = world
    org = demo.organisation
    walk = Walk(schema, org.slug)
    reader = _bearer("reader")
    # Every read, as the public and as a member: the list, then one record of it, then the
    # same record again with its ETag (304).
    for name in (
        "bodies",
        "units",
        "periods",
        "plans",
        "goals",
        "indicators",
        "assignments",
        "assessments",
        "budget-frames",
        "reallocations",
        "cases",
        "decisions",
        "meetings",
    ):
        for headers in ({}, reader):
            listed = walk.call("get", f"/organisations/{{org}}/{name}", expect=200, headers=headers)
            rows = listed.json()["data"]
            assert rows, f"the demo has {name}"
            detail = f"/organisations/{{org}}/{name}/{{id}}"
            one = walk.call("get", detail, expect=200, headers=headers, ids={"id": rows[0]["id"]})
            walk.call(
                "get",
                detail,
                expect=304,
                headers={**headers, "If-None-Match": one.headers["etag"][0]},
                ids={"id": rows[0]["id"]},
            )
    walk.call("get", "/organisations", expect=200)
    walk.call("get", "/organisations/{org}", expect=200)

    # The assessment workflow, each step by the role that may take it.
    period = FollowUpPeriod.objects.get(organisation=org, name="Tertial 1 2025")
    item, body = next(
        (i, b)
        for i in items_in_force(viewer=SYSTEM, organisation=org, year=2025)
        for b in i.receivers.all()
        if not Assessment.objects.filter(period=period, item=i, body=b).exists()
    )
    abbreviation = body.abbreviation
    # The demo's editors and approvers are named after their body: hsn, hsn_approver.
    editor = _bearer(abbreviation.lower())
    approver = _bearer(f"{abbreviation.lower()}_approver")
    assessments = "/organisations/{org}/assessments"
    created = walk.call(
        "post",
        assessments,
        expect=201,
        headers=editor,
        body={"period": period.pk, "item": item.pk, "body": abbreviation, "comment": "Pågår."},
    ).json()
    one = {"id": created["id"]}
    walk.call(
        "post",
        assessments,
        expect=409,
        headers=editor,
        body={"period": period.pk, "item": item.pk, "body": abbreviation, "comment": "Igen."},
    )
    updated = walk.call(
        "put",
        assessments + "/{id}",
        expect=200,
        headers=editor,
        ids=one,
        body={"status": "yellow", "comment": "Pågår enligt plan.", "version": 1},
    ).json()
    walk.call(
        "put",
        assessments + "/{id}",
        expect=409,
        headers=editor,
        ids=one,
        body={"status": "green", "comment": "Gammal version.", "version": 1},
    )
    walk.call(
        "put",
        assessments + "/{id}",
        expect=412,
        headers={**editor, "If-Match": '"0000"'},
        ids=one,
        body={"status": "green", "comment": "Fel ETag.", "version": updated["version"]},
    )
    version = updated["version"]
    submitted = walk.call(
        "post",
        assessments + "/{id}/submit",
        expect=200,
        headers=editor,
        ids=one,
        body={"version": version},
    ).json()
    walk.call(
        "post",
        assessments + "/{id}/approve",
        expect=403,
        headers=editor,
        ids=one,
        body={"version": submitted["version"]},
    )
    returned = walk.call(
        "post",
        assessments + "/{id}/return",
        expect=200,
        headers=approver,
        ids=one,
        body={"version": submitted["version"], "reason": "Beskriv åtgärderna."},
    ).json()
    again = walk.call(
        "post",
        assessments + "/{id}/submit",
        expect=200,
        headers=editor,
        ids=one,
        body={"version": returned["version"]},
    ).json()
    walk.call(
        "post",
        assessments + "/{id}/approve",
        expect=200,
        headers=approver,
        ids=one,
        body={"version": again["version"]},
    )

    # The register and the budget, by the registrar and the controller.
    registrar, controller = _bearer("registrator"), _bearer("controller")
    case = walk.call(
        "post",
        "/organisations/{org}/cases",
        expect=201,
        headers=registrar,
        body={"title": "Omdisponering för lönerevision", "body": "RS", "opened_on": "2025-03-01"},
    ).json()
    walk.call(
        "post",
        "/organisations/{org}/cases",
        expect=403,
        headers=reader,
        body={"title": "Får inte", "body": "RS", "opened_on": "2025-03-01"},
    )
    walk.call(
        "post",
        "/organisations/{org}/decisions",
        expect=201,
        headers=registrar,
        body={
            "case": case["number"],
            "body": "RS",
            "decided_on": "2025-03-26",
            "title": "Omdisponering inom Regionstaben",
            "points": [{"text": "Omdisponera 1,5 mkr."}],
        },
    )
    frame = demo.organisation.budget_frames.get()
    units = {a.unit.name: a.unit.pk for a in frame.allocations.select_related("unit")}
    walk.call(
        "post",
        "/organisations/{org}/reallocations",
        expect=201,
        headers=controller,
        body={
            "frame": frame.pk,
            "from_unit": units["HR-avdelningen"],
            "to_unit": units["Ekonomiavdelningen"],
            "amount": "1,5 mkr",
            "decided_on": "2025-03-26",
            "reason": "Lönerevision",
            "decision_reference": case["number"],
        },
    )
    walk.call(
        "post",
        "/organisations/{org}/reallocations",
        expect=401,
        body={
            "frame": frame.pk,
            "from_unit": units["HR-avdelningen"],
            "to_unit": units["Ekonomiavdelningen"],
            "amount": "1",
            "decided_on": "2025-03-26",
            "reason": "Utan nyckel",
            "decision_reference": case["number"],
        },
    )
    # Every operation in the schema was called with real data at least once.
    documented = {
        f"{method.upper()} {path.removeprefix(PREFIX)}"
        for path, methods in schema.raw_schema["paths"].items()
        for method in methods
    }
    assert documented == set(walk.statuses), documented ^ set(walk.statuses)
