"""The budget's invariants and refusals: each refusal names the field and changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from styrkort.core.actors import SYSTEM
from styrkort.economy.models import BudgetFrame, Reallocation
from styrkort.economy.selectors import frame_overview
from styrkort.economy.services import frame_create, reallocation_create, year_result_set
from styrkort.organisation.services import unit_create

MKR = Decimal(1_000_000)


@pytest.fixture
def frame(region):
    staben = unit_create(
        actor=SYSTEM, organisation=region.org, body=region.bodies["RS"], name="Regionstaben"
    )
    units = {
        name: unit_create(
            actor=SYSTEM,
            organisation=region.org,
            body=region.bodies["RS"],
            parent=staben,
            name=name,
        )
        for name in ("Regiongemensamt", "Vårdval", "HR-avdelningen")
    }
    made = frame_create(
        actor=region.controller,
        unit=staben,
        year=2025,
        total=Decimal("100") * MKR,
        scope="exkl förtroendevalda",
        allocations=[
            (units["Regiongemensamt"], 50 * MKR),
            (units["Vårdval"], 45 * MKR),
            (units["HR-avdelningen"], 5 * MKR),
        ],
    )
    from styrkort.register.services import case_register

    for number in ("RS/673/2024", "RS/102/2024", "RS/1/2025"):
        case_register(
            actor=SYSTEM,
            organisation=region.org,
            series="",
            number=number,
            title="Beslut om omdisponering",
            opened_on=dt.date(2024, 1, 1),
        )
    return region, made, units, staben


def _move(region, frame, units, src, dst, amount, **kw):
    defaults = {
        "actor": region.controller,
        "frame": frame,
        "from_unit": units[src],
        "to_unit": units[dst],
        "amount": amount,
        "decided_on": dt.date(2025, 2, 11),
        "reason": "Övergångsregler för barn- och ungdomstandvård 19–23 år.",
        "decision_reference": "RS/673/2024",
    }
    return reallocation_create(**{**defaults, **kw})


def test_reallocation_keeps_the_frame_total_and_moves_the_money(frame):
    region, made, units, _ = frame
    _move(region, made, units, "Vårdval", "Regiongemensamt", Decimal("7.2") * MKR)
    _move(
        region,
        made,
        units,
        "Regiongemensamt",
        "Vårdval",
        Decimal(175_000),
        decision_reference="RS/102/2024",
    )
    overview = frame_overview(viewer=region.reader, organisation=region.org, pk=made.pk)
    current = {u.unit.name: u.current for u in overview.units}
    assert current["Vårdval"] == Decimal("37975000")
    assert current["Regiongemensamt"] == Decimal("57025000")
    assert overview.unchanged and overview.current_total == Decimal("100") * MKR
    assert [r.decision_reference for r in overview.reallocations] == ["RS/673/2024", "RS/102/2024"]


@pytest.mark.parametrize(
    ("src", "dst", "amount", "changes", "field", "message"),
    [
        ("Vårdval", "Vårdval", MKR, {}, "to_unit", "samma enhet"),
        ("Vårdval", "HR-avdelningen", Decimal(0), {}, "amount", "större än noll"),
        ("Vårdval", "HR-avdelningen", Decimal(-5), {}, "amount", "större än noll"),
        ("HR-avdelningen", "Vårdval", 6 * MKR, {}, "amount", "under noll"),
        (
            "Vårdval",
            "HR-avdelningen",
            MKR,
            {"decision_reference": ""},
            "decision_reference",
            "diarienumret",
        ),
        (
            "Vårdval",
            "HR-avdelningen",
            MKR,
            {"decision_reference": "673/2024"},
            "decision_reference",
            "SERIE/LÖPNUMMER/ÅR",
        ),
        ("Vårdval", "HR-avdelningen", MKR, {"reason": " "}, "reason", "skälet"),
        (
            "Vårdval",
            "HR-avdelningen",
            MKR,
            {"decision_reference": "RS/999/2024"},
            "decision_reference",
            "finns inte i diariet",
        ),
    ],
)
def test_bad_reallocations_are_refused_naming_the_field(
    frame, src, dst, amount, changes, field, message
):
    region, made, units, _ = frame
    with pytest.raises(ValidationError) as caught:
        _move(region, made, units, src, dst, amount, **changes)
    assert field in caught.value.message_dict
    assert message in " ".join(caught.value.message_dict[field])
    assert not Reallocation.objects.exists()


def test_going_below_zero_needs_the_controllers_explicit_permission(frame):
    region, made, units, _ = frame
    moved = _move(region, made, units, "HR-avdelningen", "Vårdval", 6 * MKR, allow_below_zero=True)
    assert moved.below_zero_allowed
    overview = frame_overview(viewer=SYSTEM, organisation=region.org, pk=made.pk)
    assert {u.unit.name: u.current for u in overview.units}["HR-avdelningen"] == -MKR
    assert overview.unchanged


def test_unit_outside_the_frame_is_refused(frame):
    region, made, units, staben = frame
    with pytest.raises(ValidationError) as caught:
        reallocation_create(
            actor=region.controller,
            frame=made,
            from_unit=staben,
            to_unit=units["Vårdval"],
            amount=MKR,
            decided_on=dt.date(2025, 2, 11),
            reason="Fel",
            decision_reference="RS/1/2025",
        )
    assert "ingen budget inom" in " ".join(caught.value.message_dict["from_unit"])
    assert not Reallocation.objects.exists()


@pytest.mark.parametrize("who", ["hsn_editor", "reader", "other_region_admin"])
def test_only_controllers_reallocate(frame, who):
    region, made, units, _ = frame
    with pytest.raises(PermissionDenied):
        _move(region, made, units, "Vårdval", "HR-avdelningen", MKR, actor=getattr(region, who))
    assert not Reallocation.objects.exists()


def test_floats_are_refused(frame):
    region, made, units, _ = frame
    with pytest.raises(ValidationError):
        _move(region, made, units, "Vårdval", "HR-avdelningen", 7.2e6)
    assert not Reallocation.objects.exists()


def test_split_that_does_not_add_up_is_refused(region):
    staben = unit_create(
        actor=SYSTEM, organisation=region.org, body=region.bodies["RS"], name="Staben"
    )
    with pytest.raises(ValidationError, match="summerar"):
        frame_create(
            actor=region.controller,
            unit=staben,
            year=2025,
            total=Decimal(100),
            allocations=[(staben, Decimal(99))],
        )
    assert not BudgetFrame.objects.exists()


def test_year_result_deviation_is_computed(region):
    result = year_result_set(
        actor=region.controller,
        organisation=region.org,
        year=2024,
        budgeted=Decimal(-300) * MKR,
        result=Decimal(-494) * MKR,
    )
    assert result.deviation == Decimal(-194) * MKR
