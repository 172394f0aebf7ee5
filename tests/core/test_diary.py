import pytest

from styrkort.core.diary import DiaryNumber, find_diary_numbers


def test_finds_every_diary_number_of_the_seeds_in_order():
    text = (
        "7,2 mkr enligt RS/673/2024 och 175 tkr enligt RS/102/2024; planen (KTN/33/2023) "
        "ersätter RS/123/2019."
    )
    assert [str(d) for d in find_diary_numbers(text)] == [
        "RS/673/2024",
        "RS/102/2024",
        "KTN/33/2023",
        "RS/123/2019",
    ]


def test_parse_and_format_round_trip():
    number = DiaryNumber.parse(" RS/516/2024 ")
    assert (number.series, number.serial, number.year) == ("RS", 516, 2024)
    assert str(number) == "RS/516/2024"


@pytest.mark.parametrize("bad", ["RS 673 2024", "RS/673", "rs/673/2024", "RS/673/24", ""])
def test_malformed_numbers_are_refused_with_the_expected_shape(bad):
    with pytest.raises(ValueError, match="SERIE/LÖPNUMMER/ÅR"):
        DiaryNumber.parse(bad)


def test_dates_and_fractions_are_not_diary_numbers():
    assert find_diary_numbers("den 1/1/2025 och och/eller 3/4") == []
