"""The register: numbering without gaps (also concurrently), decisions that give assignments
and retire documents, deadlines, secrecy, and who may write."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from styrkort.core.actors import SYSTEM
from styrkort.core.dates import deadline_from_text
from styrkort.planning.selectors import items_in_force
from styrkort.register.models import Case, Finding, GoverningDocument
from styrkort.register.services import (
    PointSpec,
    audit_create,
    case_by_number,
    case_register,
    decision_record,
    document_create,
)

DAY = dt.date(2025, 2, 11)


def _register(region, title="Ärende", **kw):
    return case_register(
        actor=kw.pop("actor") if "actor" in kw else region.users["registrar"],
        organisation=region.org,
        series=kw.pop("series", "RS"),
        title=title,
        opened_on=kw.pop("opened_on", DAY),
        **kw,
    )


@pytest.fixture
def registry(region):
    from styrkort.organisation.services import membership_grant
    from tests.factories import UserFactory

    registrar = UserFactory(username="registrar")
    membership_grant(actor=SYSTEM, organisation=region.org, user=registrar, role="registrar")
    region.users["registrar"] = registrar
    return region


def test_cases_are_numbered_per_series_and_year_without_gaps(registry):
    numbers = [_register(registry).number for _ in range(3)]
    assert numbers == ["RS/1/2025", "RS/2/2025", "RS/3/2025"]
    assert _register(registry, series="KTN").number == "KTN/1/2025"
    assert _register(registry, opened_on=dt.date(2026, 1, 2)).number == "RS/1/2026"


def test_an_existing_number_is_kept_and_the_series_moves_past_it(registry):
    _register(registry, number="RS/673/2025")
    assert _register(registry).number == "RS/674/2025"
    with pytest.raises(ValidationError, match="finns redan"):
        _register(registry, number="RS/673/2025")
    with pytest.raises(ValidationError, match="SERIE/LÖPNUMMER/ÅR"):
        _register(registry, number="673/2025")


@pytest.mark.parametrize("who", ["reader", "controller", "hsn_editor", "other_region_admin"])
def test_only_registrar_and_admin_register_cases(registry, who):
    with pytest.raises(PermissionDenied):
        _register(registry, actor=getattr(registry, who))
    assert not Case.objects.exists()


def test_secret_case_needs_its_legal_ground(registry):
    with pytest.raises(ValidationError, match="sekretessgrunden"):
        _register(registry, secret=True)
    case = _register(registry, secret=True, secrecy_ground="OSL 21 kap. 7 §")
    assert case.secret and case.secrecy_ground == "OSL 21 kap. 7 §"


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_distinct_consecutive_serials(region):
    """On PostgreSQL, 20 threads with their own connections register at the same moment."""
    if connection.vendor != "postgresql":
        # SQLite has one writer at a time; the test is meaningful only where writes race.
        serials = [_register(region, actor=SYSTEM).serial for _ in range(20)]
        assert serials == list(range(1, 21))
        return
    start = threading.Barrier(20)
    errors: list[Exception] = []

    def work():
        from django.db import connections

        try:
            start.wait()
            _register(region, actor=SYSTEM)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    serials = sorted(Case.objects.values_list("serial", flat=True))
    assert serials == list(range(1, 21))


def test_decision_gives_an_assignment_that_appears_in_the_follow_up(registry):
    case = _register(registry, number="RS/516/2024", opened_on=dt.date(2024, 6, 1))
    rd = registry.org.roles.create(name="Regiondirektör", abbreviation="RD")
    decision = decision_record(
        actor=registry.registrar,
        case=case,
        body=registry.bodies["RS"],
        decided_on=dt.date(2024, 12, 10),
        title="Avveckling",
        points=[
            PointSpec(text="Godkänns."),
            PointSpec(
                text="Ta fram ett nytt måldokument.",
                assign_to=registry.bodies["RS"],
                deadline=deadline_from_text("senast i april 2025"),
            ),
            PointSpec(text="Se över strukturen.", assign_role=rd, follow_up_year=2025),
        ],
    )
    points = list(decision.points.all())
    assert points[0].assignment is None
    given = points[1].assignment
    assert (given.deadline, given.origin, given.origin_note) == (
        dt.date(2025, 4, 30),
        "decision",
        "RS/516/2024 p. 2",
    )
    assert list(points[2].assignment.receiving_roles.all()) == [rd]
    followed = set(items_in_force(viewer=SYSTEM, organisation=registry.org, year=2025))
    assert {given, points[2].assignment} <= followed


def test_a_point_retires_a_document_from_a_date(registry):
    doc = document_create(
        actor=registry.registrar,
        organisation=registry.org,
        title="LUP miljö",
        kind="plan",
        valid_from=dt.date(2019, 6, 1),
    )
    case = _register(registry, number="RS/516/2024", opened_on=dt.date(2024, 6, 1))
    decision_record(
        actor=registry.registrar,
        case=case,
        body=registry.bodies["RS"],
        decided_on=dt.date(2024, 12, 10),
        title="Avveckling",
        points=[PointSpec(text="Avvecklas.", retires=doc, retire_from=dt.date(2025, 1, 1))],
    )
    doc = GoverningDocument.objects.get(pk=doc.pk)
    assert doc.valid_to == dt.date(2025, 1, 1)
    assert doc.in_force_on(dt.date(2024, 12, 31)) and not doc.in_force_on(dt.date(2025, 1, 1))
    assert doc.retired_by_points.get().decision.case.number == "RS/516/2024"
    with pytest.raises(ValidationError, match="från vilket datum"):
        decision_record(
            actor=registry.registrar,
            case=case,
            body=registry.bodies["RS"],
            decided_on=dt.date(2024, 12, 10),
            title="Utan datum",
            points=[PointSpec(text="Avvecklas.", retires=doc)],
        )


def test_minor_nonconformity_is_answered_within_eight_weeks(registry):
    audit = audit_create(
        actor=registry.registrar,
        organisation=registry.org,
        title="Extern miljörevision 2024",
        auditor="BMG Trada certifiering",
        performed_on=dt.date(2024, 11, 29),
        certification_kept=True,
        findings=[{"kind": "minor", "count": 1}, {"kind": "positive", "count_text": "flera"}],
    )
    minor = audit.findings.get(kind=Finding.Kind.MINOR)
    assert minor.response_due == dt.date(2025, 1, 24)
    assert audit.findings.get(kind=Finding.Kind.POSITIVE).response_due is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("senast i april 2025", dt.date(2025, 4, 30)),
        ("i februari 2024", dt.date(2024, 2, 29)),
        ("till 2027", dt.date(2027, 12, 31)),
        ("senast 11 mars 2025", dt.date(2025, 3, 11)),
        ("2025-04-08", dt.date(2025, 4, 8)),
    ],
)
def test_swedish_deadline_phrases(text, expected):
    assert deadline_from_text(text) == expected


@pytest.mark.parametrize("bad", ["snart", "i apriil 2025", "senast 2025-13-01", ""])
def test_unreadable_deadlines_are_refused(bad):
    with pytest.raises(ValueError, match="ingen tidsgräns"):
        deadline_from_text(bad)


def test_case_by_number_finds_the_case(registry):
    case = _register(registry, number="KTN/33/2023", series="", opened_on=dt.date(2023, 6, 1))
    assert case_by_number(registry.org, "KTN/33/2023") == case
    assert case_by_number(registry.org, "KTN/34/2023") is None
    assert case_by_number(registry.org, "nonsens") is None


def test_the_organisations_pattern_is_used_for_numbers_and_links(registry):
    from styrkort.web.templatetags.styrkort import diary_links

    registry.org.diary_style = "space-year"
    registry.org.save(update_fields=["diary_style"])
    case = _register(registry, series="KS")
    case.refresh_from_db()
    assert case.number == "KS 2025/1"
    html = diary_links("Se Dnr KS 2025/1 och KS 2025/9.", registry.org)
    assert (
        '<a href="/o/region-jamtland-harjedalen/diariet/KS/1/2025/" class="diary">KS 2025/1</a>'
        in html
    )
    assert 'title="Finns inte i diariet">KS 2025/9<' in html
