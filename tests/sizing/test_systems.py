"""Size systems: parsing free text to canonical values, aliases, garbage, scale order."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from garderobe.errors import InvalidInput
from garderobe.sizing.systems import (
    UnknownSize,
    UnknownSizeSystem,
    all_systems,
    parse_size,
    size_system,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M", "M"),
        ("m", "M"),
        (" xs ", "XS"),
        ("X-Small", "XS"),
        ("extra small", "XS"),
        ("Medium", "M"),
        ("Size L", "L"),
        ("2XL", "XXL"),
        ("xxl", "XXL"),
        ("XXXL", "3XL"),
        ("3xl", "3XL"),
        ("XXXXL", "4XL"),
        ("2XS", "XXS"),
    ],
)
def test_letter_sizes_and_their_aliases_parse_to_the_canonical_code(
    text: str, expected: str
) -> None:
    assert size_system("letter").parse(text) == expected


@pytest.mark.parametrize(
    ("code", "text", "expected"),
    [
        ("eu_women", "38", "38"),
        ("eu_women", "EU 38", "38"),
        ("eu_women", "de-40", "40"),
        ("eu_women", "Gr. 42", "42"),
        ("uk_women", "UK 10", "10"),
        ("us_women", "US 8", "8"),
        ("it_women", "IT 44", "44"),
        ("eu_men", "50", "50"),
        ("us_men", '40"', "40"),
        ("shoe_eu", "42", "42"),
        ("shoe_eu", "38,5", "38.5"),
        ("shoe_eu", "38.5", "38.5"),
        ("shoe_eu", "38½", "38.5"),
        ("shoe_eu", "38 1/2", "38.5"),
        ("shoe_eu", "EU 42.0", "42"),
        ("shoe_uk", "UK 8", "8"),
        ("shoe_us_men", "US 9.5", "9.5"),
        ("shoe_cm", "26.5 cm", "26.5"),
        ("kids_height", "110", "110"),
        ("kids_height", "110 cm", "110"),
        ("one_size", "One Size", "One size"),
        ("one_size", "OS", "One size"),
        ("one_size", "one-size", "One size"),
    ],
)
def test_numbers_parse_with_prefixes_units_and_halves(code: str, text: str, expected: str) -> None:
    assert size_system(code).parse(text) == expected


@pytest.mark.parametrize(
    "text", ["W32 L34", "w32 l34", "32/34", "32x34", "32 x 34", "W32/L34", "W32L34", "32\u00d734"]
)
def test_jeans_sizes_parse_in_every_usual_spelling(text: str) -> None:
    assert size_system("jeans").parse(text) == "W32 L34"


def test_a_jeans_waist_alone_needs_its_w() -> None:
    jeans = size_system("jeans")
    assert jeans.parse("W32") == "W32"
    assert jeans.parse("32") is None


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("letter", ""),
        ("letter", "   "),
        ("letter", "M/L"),
        ("letter", "5XL"),
        ("letter", "NUL\x00"),
        ("letter", "M\u200b"),
        ("letter", "X" * 10_000),
        ("eu_women", "999"),
        ("eu_women", "39"),
        ("eu_women", "38.5"),
        ("eu_women", "UK 38"),
        ("eu_women", "-38"),
        ("shoe_eu", "42.25"),
        ("shoe_eu", "42 2/3"),
        ("shoe_eu", "1e3"),
        ("jeans", "W41 L34"),
        ("jeans", "W32 L33"),
        ("jeans", "3234"),
        ("kids_height", "98/104"),
        ("kids_height", "111"),
        ("one_size", "M"),
    ],
)
def test_garbage_and_sizes_off_the_scale_parse_to_none(code: str, text: str) -> None:
    assert size_system(code).parse(text) is None


@pytest.mark.parametrize("text", [None, 38, 3.5, b"M", ["M"]])
def test_non_text_parses_to_none_rather_than_raising(text: object) -> None:
    assert size_system("letter").parse(text) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "ascending"),
    [
        ("letter", ["XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"]),
        ("eu_women", ["32", "34", "36", "38", "40", "42", "44", "46", "48", "50", "52", "54"]),
        ("eu_men", ["44", "46", "48", "50", "52", "54", "56", "58", "60"]),
        ("shoe_eu", ["35", "35.5", "36", "41.5", "42", "42.5", "48"]),
        ("shoe_cm", ["21.5", "22", "26.5", "31"]),
        ("kids_height", ["50", "56", "62", "104", "110", "170", "176"]),
        ("jeans", ["W30 L36", "W31", "W31 L28", "W31 L30", "W32", "W32 L34", "W40 L36"]),
        ("uk_women", ["4", "6", "8", "10", "26"]),
    ],
)
def test_sizes_rank_in_scale_order(code: str, ascending: list[str]) -> None:
    system = size_system(code)
    ranks = [system.rank(value) for value in ascending]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


def test_scales_have_the_documented_ends() -> None:
    assert size_system("letter").values == (
        "XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL",
    )  # fmt: skip
    assert size_system("eu_women").values[0] == "32"
    assert size_system("eu_women").values[-1] == "54"
    assert size_system("eu_men").values[0] == "44"
    assert size_system("eu_men").values[-1] == "60"
    kids = size_system("kids_height").values
    assert kids[:3] == ("50", "56", "62")
    assert kids[-1] == "176"
    assert all(int(b) - int(a) == 6 for a, b in itertools.pairwise(kids))
    assert "42.5" in size_system("shoe_eu").values
    assert size_system("one_size").values == ("One size",)


def test_rank_refuses_what_is_not_a_canonical_value() -> None:
    with pytest.raises(ValueError, match="not a value of letter"):
        size_system("letter").rank("m")


def test_an_unknown_system_is_a_422_naming_the_known_codes() -> None:
    with pytest.raises(UnknownSizeSystem) as caught:
        size_system("eu_kids")
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.status_code == 422
    assert caught.value.slug == "unknown-size-system"
    assert "letter" in caught.value.extensions["known_systems"]
    assert {s.code for s in all_systems()} == set(caught.value.extensions["known_systems"])


def test_an_unknown_size_is_a_422_that_names_the_allowed_values() -> None:
    with pytest.raises(UnknownSize) as caught:
        size_system("letter").parse_or_raise("M/L")
    error = caught.value
    assert error.status_code == 422
    assert error.slug == "unknown-size"
    assert error.extensions["allowed"] == {"letter": list(size_system("letter").values)}
    assert "'M/L'" in error.detail


def test_unknown_size_names_every_system_it_was_checked_against() -> None:
    systems = [size_system("letter"), size_system("eu_women")]
    error = UnknownSize("39", systems)
    assert set(error.extensions["allowed"]) == {"letter", "eu_women"}
    assert "Letter sizes" in error.detail


def test_parse_size_takes_the_first_system_in_the_callers_order() -> None:
    assert parse_size("10", ["uk_women", "eu_women"]) == ("uk_women", "10")
    assert parse_size("38", ["uk_women", "eu_women"]) == ("eu_women", "38")
    assert parse_size("38", ["shoe_eu", "eu_women"]) == ("shoe_eu", "38")
    assert parse_size("M", ["eu_women", "letter"]) == ("letter", "M")
    assert parse_size("M/L", ["letter", "eu_women"]) is None


def test_parse_size_refuses_an_unknown_system_code() -> None:
    with pytest.raises(UnknownSizeSystem):
        parse_size("M", ["letters"])


def test_system_codes_are_unique_and_every_scale_has_values() -> None:
    codes = [system.code for system in all_systems()]
    assert len(codes) == len(set(codes))
    assert all(system.values for system in all_systems())


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_parsing_any_text_never_raises_and_answers_a_value_of_the_scale_or_none(
    text: str,
) -> None:
    for system in all_systems():
        value = system.parse(text)
        assert value is None or value in system.values
