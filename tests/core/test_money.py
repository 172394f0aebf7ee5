import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from styrkort.core.money import (
    UNITS,
    MoneyParseError,
    find_amounts,
    format_sek,
    parse_sek,
    unit_from_header,
    unit_warning,
)

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
MINUS = "\u2212"

# The amounts from the issue, as annual reports and board minutes print them.
EXAMPLES = [
    ("2 181,8 mkr", Decimal("2181800000")),
    ("7,2 mkr", Decimal("7200000")),
    ("175 tkr", Decimal("175000")),
    ("15 mkr", Decimal("15000000")),
    ("-494 miljoner kronor", Decimal("-494000000")),
    ("minus 63 miljoner kronor", Decimal("-63000000")),
    ("\u2013 1 231 kr", Decimal("-1231")),
    ("-119,3 mkr", Decimal("-119300000")),
    ("+80 Mkr", Decimal("80000000")),
    ("3,4 mnkr", Decimal("3400000")),
    ("800 tusen kronor", Decimal("800000")),
    ("1 234 567 kr", Decimal("1234567")),
]


def nb(text: str) -> str:
    return text.replace(" ", NBSP)


@pytest.mark.parametrize("space", [" ", NBSP, NARROW_NBSP], ids=["space", "nbsp", "narrow"])
@pytest.mark.parametrize(("text", "expected"), EXAMPLES, ids=[text for text, _ in EXAMPLES])
def test_report_amounts_parse_to_kronor_whatever_the_space(text, expected, space):
    assert parse_sek(text.replace(" ", space)) == expected


def test_parsed_amounts_are_plain_decimals_without_exponent_or_trailing_zeros():
    assert str(parse_sek("2 181,8 mkr")) == "2181800000"
    assert str(parse_sek("12,50 kr")) == "12.5"
    assert str(parse_sek("-0 mkr")) == "0"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 MSEK", Decimal("15000000")),
        ("15 milj. kr", Decimal("15000000")),
        ("15 milj kr", Decimal("15000000")),
        ("15 miljoner", Decimal("15000000")),
        ("2,5 mdkr", Decimal("2500000000")),
        ("2 miljarder kronor", Decimal("2000000000")),
        ("175 tkr.", Decimal("175000")),
        ("175 tusen kr", Decimal("175000")),
        ("12 SEK", Decimal("12")),
        ("12 kronor", Decimal("12")),
        (f"{MINUS}5 kr", Decimal("-5")),
        ("15mkr", Decimal("15000000")),
        ("1234567 kr", Decimal("1234567")),
        ("1\u2009234 kr", Decimal("1234")),
        ("1\t234\u2007kr", Decimal("1234")),
        ("  7,2  mkr ", Decimal("7200000")),
    ],
)
def test_other_spellings_of_units_signs_and_spaces_are_read(text, expected):
    assert parse_sek(text) == expected


EXPECTED_TYPOGRAPHY = {
    Decimal("2181800000"): nb("2 181,8 mkr"),
    Decimal("7200000"): nb("7,2 mkr"),
    Decimal("175000"): nb("175 tkr"),
    Decimal("15000000"): nb("15 mkr"),
    Decimal("-494000000"): nb(f"{MINUS}494 mkr"),
    Decimal("-63000000"): nb(f"{MINUS}63 mkr"),
    Decimal("-1231"): nb(f"{MINUS}1 231 kr"),
    Decimal("-119300000"): nb(f"{MINUS}119,3 mkr"),
    Decimal("80000000"): nb("80 mkr"),
    Decimal("3400000"): nb("3,4 mkr"),
    Decimal("800000"): nb("800 tkr"),
    Decimal("1234567"): nb("1 234 567 kr"),
}


@pytest.mark.parametrize(("text", "value"), EXAMPLES, ids=[text for text, _ in EXAMPLES])
def test_formatting_uses_the_unit_a_reader_expects_no_break_spaces_and_true_minus(text, value):
    assert format_sek(value) == EXPECTED_TYPOGRAPHY[value]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1500000000"), "1,5 mdkr"),
        (Decimal("2181800000"), "2 181,8 mkr"),
        (Decimal("999999"), "999 999 kr"),
        (Decimal("50000"), "50 000 kr"),
        (Decimal("100000"), "100 tkr"),
        (Decimal("12.5"), "12,50 kr"),
        (Decimal("0"), "0 kr"),
        (Decimal("-0"), "0 kr"),
        (Decimal("0.125"), "0,12 kr"),
    ],
)
def test_automatic_unit_is_the_largest_exact_one_from_its_threshold(value, expected):
    assert format_sek(value) == nb(expected)


def test_explicit_unit_and_decimals():
    assert format_sek(Decimal("175000"), unit="kr") == nb("175 000 kr")
    assert format_sek(Decimal("7200000"), unit="tkr") == nb("7 200 tkr")
    assert format_sek(Decimal("7200000"), unit="mkr", decimals=2) == nb("7,20 mkr")
    assert format_sek(Decimal("15000000"), unit="mdkr", decimals=3) == nb("0,015 mdkr")


def test_explicit_unit_with_too_few_decimals_rounds_half_to_even():
    assert format_sek(Decimal("1234567"), unit="mkr") == nb("1,2 mkr")
    assert format_sek(Decimal("1250000"), unit="mkr") == nb("1,2 mkr")
    assert format_sek(Decimal("1350000"), unit="mkr") == nb("1,4 mkr")
    assert format_sek(Decimal("12.5"), unit="kr", decimals=0) == nb("12 kr")
    assert format_sek(Decimal("13.5"), unit="kr", decimals=0) == nb("14 kr")
    assert format_sek(Decimal("-40000"), unit="mkr") == nb("0,0 mkr")


def test_ascii_minus_and_plus_for_deviations():
    assert format_sek(Decimal("-119300000"), minus="-") == nb("-119,3 mkr")
    assert format_sek(Decimal("80000000"), plus=True) == nb("+80 mkr")
    assert format_sek(Decimal("-80000000"), plus=True) == nb(f"{MINUS}80 mkr")
    assert format_sek(Decimal("0"), plus=True) == nb("0 kr")


def test_floats_are_refused():
    with pytest.raises(ValueError, match="float"):
        format_sek(7.2)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_non_finite_amounts_are_refused(amount):
    with pytest.raises(ValueError):
        format_sek(amount)


def test_non_decimal_amounts_are_refused():
    with pytest.raises(TypeError):
        format_sek("15 mkr")  # type: ignore[arg-type]


@pytest.mark.parametrize("unit", ["Mkr", "miljoner kronor", "xkr", ""])
def test_unknown_format_units_are_refused(unit):
    with pytest.raises(ValueError, match="unit"):
        format_sek(Decimal(15), unit=unit)


def test_negative_decimals_are_refused():
    with pytest.raises(ValueError, match="decimals"):
        format_sek(Decimal(15), decimals=-1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12 34 mkr", "tre siffror"),
        ("2181 8 mkr", "tre siffror"),
        ("2 18 1,8 mkr", "tre siffror"),
        ("1234 567 kr", "tre siffror"),
        ("0 123 kr", "nolla"),
        ("15 xkr", "okänd enhet 'xkr'"),
        ("", "tom"),
        ("   ", "tom"),
        ("mkr", "inget tal"),
        ("abc", "inget tal"),
        ("1,2,3", "mer än ett decimalkomma"),
        ("12.5 mkr", "decimalkomma"),
        ("1.234.567 kr", "decimalkomma"),
        ("12, mkr", "saknar decimaler"),
        ("12 mkr 5", "mer än ett tal"),
        ("--5", "mer än en gång"),
        ("minus -5", "mer än en gång"),
        ("5-", "före talet"),
        ("5 - 3", "mer än ett tal"),
        ("1\n234 kr", "mer än ett tal"),
        ("SEK 15", "först"),
    ],
)
def test_garbage_and_ambiguity_are_refused_with_a_swedish_message_naming_the_input(text, reason):
    with pytest.raises(MoneyParseError) as refused:
        parse_sek(text)
    message = str(refused.value)
    assert repr(text) in message
    assert "är inget belopp" in message
    assert reason in message


def test_the_refusal_is_a_value_error_for_callers_that_catch_those():
    with pytest.raises(ValueError):
        parse_sek("15 xkr")


def test_a_long_input_is_shortened_in_the_message():
    with pytest.raises(MoneyParseError) as refused:
        parse_sek("ett belopp " * 20)
    assert len(str(refused.value)) < 200


# Öre amounts within ±10^15, plus round amounts that exercise tkr, mkr and mdkr.
ore_amounts = st.decimals(
    min_value=-(10**15), max_value=10**15, places=2, allow_nan=False, allow_infinity=False
)
round_amounts = st.builds(
    lambda mantissa, exponent: Decimal(mantissa).scaleb(exponent),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-2, max_value=9),
)
amounts = st.one_of(ore_amounts, round_amounts)

UNIT_EXPONENT = {"kr": 0, "tkr": 3, "mkr": 6, "mdkr": 9}


@given(amounts, st.sampled_from([MINUS, "-"]), st.booleans())
def test_automatic_format_parses_back_to_the_same_amount(amount, minus, plus):
    assert parse_sek(format_sek(amount, minus=minus, plus=plus)) == amount


@given(amounts, st.sampled_from(UNITS))
def test_explicit_unit_with_enough_decimals_parses_back_to_the_same_amount(amount, unit):
    decimals = UNIT_EXPONENT[unit] + 2
    assert parse_sek(format_sek(amount, unit=unit, decimals=decimals)) == amount


@given(st.integers(min_value=-(10**14), max_value=10**14), st.sampled_from(UNITS))
def test_explicit_unit_parses_back_whenever_the_amount_is_representable(tenths, unit):
    # Representable without rounding: öre in kr, a tenth of the unit in tkr, mkr and mdkr.
    amount = Decimal(tenths).scaleb(-2 if unit == "kr" else UNIT_EXPONENT[unit] - 1)
    assert parse_sek(format_sek(amount, unit=unit)) == amount


@given(st.text())
def test_parsing_arbitrary_text_only_ever_refuses_with_money_parse_error(text):
    try:
        result = parse_sek(text)
    except MoneyParseError:
        return
    assert isinstance(result, Decimal)


@given(st.text(alphabet=" 0123456789,.-+\u2212\u2013\u00a0\u202fkrtmdnsuelojiKM"))
def test_parsing_amount_like_text_only_ever_refuses_with_money_parse_error(text):
    try:
        result = parse_sek(text)
    except MoneyParseError:
        return
    assert isinstance(result, Decimal)


@given(
    amounts,
    st.one_of(st.none(), st.sampled_from(UNITS)),
    st.one_of(st.none(), st.integers(min_value=0, max_value=12)),
)
def test_formatting_never_puts_an_ordinary_space_in_an_amount(amount, unit, decimals):
    formatted = format_sek(amount, unit=unit, decimals=decimals)
    assert " " not in formatted
    assert not re.search(r"\d\s\d", formatted.replace(NBSP, ""))


# --------------------------------------------------------------------------------------------
# Amounts as real annual reports and follow-ups print them (issue 12)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["1234567", "\u2013 1 231", "119,3", "-1 844", "0"])
def test_a_bare_table_cell_is_never_taken_for_kronor(cell):
    with pytest.raises(MoneyParseError, match="saknar enhet"):
        parse_sek(cell)


@pytest.mark.parametrize(
    ("cell", "unit", "expected"),
    [
        ("1234567", "kr", Decimal("1234567")),
        ("\u2013 1 231", "tkr", Decimal("-1231000")),
        ("119,3", "mkr", Decimal("119300000")),
        ("-1 844", "Mkr", Decimal("-1844000000")),
        ("2,5 mkr", "tkr", Decimal("2500000")),  # the cell's own unit wins
    ],
)
def test_a_bare_cell_is_read_in_the_unit_the_caller_gives(cell, unit, expected):
    assert parse_sek(cell, unit=unit) == expected


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Budget (tkr)", "tkr"),
        ("Utfall, Mkr", "mkr"),
        ("Mkr", "mkr"),
        ("Avvikelse mnkr", "mkr"),
        ("Prognos [kr]", "kr"),
        ("Belopp i tusentals kronor", "tkr"),
        ("Värde", None),
        ("Mål 2024", None),
        ("Budget (tkr) och utfall (mkr)", None),
    ],
)
def test_the_unit_of_a_column_is_read_from_its_header(header, unit):
    assert unit_from_header(header) == unit


@pytest.mark.parametrize(
    "cells", ["-1844-62", "1 844-62", "2024-12", "12,5-3,1", "-1844 -62", "1 2345"], ids=str
)
def test_cells_run_together_are_refused(cells):
    with pytest.raises(MoneyParseError):
        parse_sek(cells, unit="tkr")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("negativ avvikelse med 119 miljoner kronor", Decimal("-119000000")),
        ("Negativ avvikelse på 2,5 mkr", Decimal("-2500000")),
        ("positiv avvikelse med 14 mkr", Decimal("14000000")),
        ("underskott på 494 mkr", Decimal("-494000000")),
        ("överskott om 3 tkr", Decimal("3000")),
    ],
)
def test_a_sign_stated_in_words_is_read(text, expected):
    assert parse_sek(text) == expected


def test_amounts_are_found_in_prose_with_the_sign_their_words_give():
    text = (
        "Nämnden redovisar en negativ avvikelse med 119 miljoner kronor mot budget, vilket är "
        "ett underskott på 2,5 mkr mer än i fjol. Kommunen har 64 000 invånare och 3 miljoner "
        "besök; 2024 var ett år med 15 % fler ärenden. Anslaget är 175 tkr."
    )
    found = find_amounts(text)
    assert [f.amount for f in found] == [
        Decimal("-119000000"),
        Decimal("-2500000"),
        Decimal("175000"),
    ]
    assert found[0].text == "negativ avvikelse med 119 miljoner kronor"
    assert text[found[2].start : found[2].end] == "175 tkr"


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["st", "%", "invånare", ""]))
def test_a_count_or_percentage_in_prose_is_never_money(number, word):
    assert find_amounts(f"Under året var det {number} {word} i kommunen.") == []


@pytest.mark.parametrize(
    ("cell", "column", "meant"),
    [("-60,3 kr", "mkr", "\u221260,3\u00a0mkr"), ("12,5 kr", "tkr", "12,5\u00a0tkr")],
)
def test_a_unit_that_looks_mistyped_against_its_column_is_warned_about(cell, column, meant):
    warning = unit_warning(cell, column_unit=column)
    assert warning is not None
    assert repr(cell) in warning
    assert f"tabell i {column}" in warning
    assert meant in warning


@pytest.mark.parametrize(
    ("cell", "column"),
    [("-60,3 mkr", "mkr"), ("-60 300 000 kr", "mkr"), ("-60,3", "mkr"), ("450 tkr", "mkr")],
)
def test_a_cell_whose_unit_fits_its_column_gives_no_warning(cell, column):
    assert unit_warning(cell, column_unit=column) is None
