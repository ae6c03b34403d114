"""Conversion, the overlap rule of size filters, the fit rule, steps between sizes."""

from __future__ import annotations

from typing import Any

import pytest

from garderobe.sizing.charts import SizeChart, chart_from_data, default_chart
from garderobe.sizing.conversion import (
    InvalidBodyDimensions,
    SizeNotOnChart,
    convert,
    equivalent_sizes,
    fitting_sizes,
    steps_between,
)
from garderobe.sizing.systems import UnknownSize

pytestmark = pytest.mark.unit


def _answers(found: list[Any]) -> list[tuple[str, str, str, float]]:
    return [(e.system, e.value, e.match, e.overlap) for e in found]


# --- convert --------------------------------------------------------------------------------


def test_eu_42_converts_to_uk_us_and_cm_as_the_pinned_rows_overlap() -> None:
    # EU 42 is 263.3-266.7 mm of foot; UK 8 and US men's 9 are 262.3-266.5, cm 26.5 is
    # 262.5-267.5 (test_charts pins those rows against the formulas).
    found = convert(
        default_chart("mens_shoes"), "shoe_eu", "42", ["shoe_uk", "shoe_us_men", "shoe_cm"]
    )
    assert _answers(found) == [
        ("shoe_uk", "8", "approximate", 0.941),
        ("shoe_uk", "8.5", "approximate", 0.059),
        ("shoe_us_men", "9", "approximate", 0.941),
        ("shoe_us_men", "9.5", "approximate", 0.059),
        ("shoe_cm", "26.5", "approximate", 1.0),
    ]
    assert found[0].ranges["foot_length"].low == 262.3


def test_uk_and_us_shoe_sizes_on_one_last_formula_convert_exactly() -> None:
    found = convert(default_chart("mens_shoes"), "shoe_uk", "8", ["shoe_us_men"])
    assert _answers(found)[0] == ("shoe_us_men", "9", "exact", 1.0)
    women = convert(default_chart("womens_shoes"), "shoe_uk", "5", ["shoe_us_women"])
    assert _answers(women)[0] == ("shoe_us_women", "7.5", "exact", 1.0)


def test_womens_uk_10_is_exactly_eu_36_as_the_conversion_table_says() -> None:
    found = convert(default_chart("womens_tops"), "uk_women", "10", ["eu_women", "letter"])
    assert _answers(found) == [
        ("eu_women", "36", "exact", 1.0),
        ("letter", "S", "approximate", 1.0),
    ]


def test_a_letter_size_converts_to_the_numeric_sizes_it_spans_approximately() -> None:
    found = convert(default_chart("womens_tops"), "letter", "M", ["eu_women"])
    assert _answers(found) == [
        ("eu_women", "40", "approximate", 0.5),
        ("eu_women", "42", "approximate", 0.5),
    ]
    men = convert(default_chart("mens_tops"), "eu_men", "50", ["letter", "uk_men"])
    # EU 50 is 98-102 cm; UK 40 (99.1-104.1) covers more of it than UK 38 (94.0-99.1).
    assert _answers(men) == [
        ("letter", "M", "approximate", 1.0),
        ("uk_men", "40", "approximate", 0.725),
        ("uk_men", "38", "approximate", 0.275),
    ]


def test_conversion_accepts_free_text_for_the_source_size() -> None:
    found = convert(default_chart("womens_tops"), "uk_women", "UK 10", ["eu_women"])
    assert found[0].value == "36"


def test_converting_a_size_the_source_does_not_cover_says_so() -> None:
    with pytest.raises(SizeNotOnChart) as caught:
        convert(default_chart("womens_tops"), "uk_women", "24", ["eu_women"])
    assert caught.value.status_code == 422
    assert "conversion table runs UK 6-22 only" in caught.value.detail
    assert "10" in caught.value.extensions["covered"]["uk_women"]


def test_converting_to_or_from_a_system_off_the_chart_is_refused() -> None:
    chart = default_chart("womens_tops")
    with pytest.raises(SizeNotOnChart):
        convert(chart, "uk_women", "10", ["shoe_eu"])
    with pytest.raises(SizeNotOnChart):
        convert(chart, "eu_men", "50", ["eu_women"])


def test_converting_a_size_that_is_not_on_its_scale_is_an_unknown_size() -> None:
    with pytest.raises(UnknownSize):
        convert(default_chart("womens_tops"), "uk_women", "11", ["eu_women"])


# --- the overlap rule -----------------------------------------------------------------------


def _chart(rows: list[tuple[str, str, float, float]]) -> SizeChart:
    return chart_from_data(
        {
            "kind": "womens_tops",
            "brand": "Edge Cases",
            "primary": "bust",
            "rows": [{"system": s, "value": v, "bust": [lo, hi]} for s, v, lo, hi in rows],
            "source": {
                "kind": "brand",
                "title": "constructed for the test",
                "references": [
                    {"title": "t", "url": "https://example.com", "read": "2026-12-03", "took": "t"}
                ],
            },
        }
    )


def test_sizes_sharing_exactly_half_the_narrower_range_are_equivalent() -> None:
    chart = _chart([("letter", "M", 90, 98), ("eu_women", "40", 94, 102)])
    assert ("eu_women", "40") in equivalent_sizes(chart, "letter", "M")


def test_sizes_sharing_less_than_half_the_narrower_range_are_not() -> None:
    chart = _chart([("letter", "M", 90, 98), ("eu_women", "40", 94.1, 102)])
    assert equivalent_sizes(chart, "letter", "M") == [("letter", "M")]


def test_sizes_whose_ranges_only_touch_are_not_equivalent() -> None:
    chart = _chart([("letter", "M", 90, 98), ("eu_women", "40", 98, 102)])
    assert equivalent_sizes(chart, "letter", "M") == [("letter", "M")]
    assert convert(chart, "letter", "M", ["eu_women"]) == []


def test_a_narrow_size_inside_a_wide_one_is_equivalent_both_ways() -> None:
    chart = _chart([("letter", "M", 90, 106), ("eu_women", "40", 92, 94)])
    assert ("eu_women", "40") in equivalent_sizes(chart, "letter", "M")
    assert ("letter", "M") in equivalent_sizes(chart, "eu_women", "40")


def test_a_uk_size_filter_matches_eu_and_letter_sizes_where_the_chart_overlaps() -> None:
    assert equivalent_sizes(default_chart("womens_tops"), "uk_women", "10") == [
        ("letter", "S"),
        ("eu_women", "36"),
        ("fr_women", "38"),
        ("it_women", "42"),
        ("uk_women", "10"),
        ("us_women", "8"),
    ]


def test_a_letter_filter_matches_the_numeric_sizes_it_spans() -> None:
    matched = equivalent_sizes(default_chart("womens_tops"), "letter", "M")
    assert [v for s, v in matched if s == "eu_women"] == ["40", "42"]
    assert [v for s, v in matched if s == "letter"] == ["M"]


def test_a_shoe_filter_matches_the_neighbouring_system_sizes_it_mostly_shares() -> None:
    matched = equivalent_sizes(default_chart("mens_shoes"), "shoe_eu", "42")
    assert ("shoe_uk", "8") in matched
    assert ("shoe_uk", "8.5") not in matched
    assert ("shoe_cm", "26.5") in matched


# --- the fit rule ---------------------------------------------------------------------------


def test_a_body_on_a_shared_edge_fits_the_larger_size() -> None:
    chart = default_chart("womens_tops")
    fits = fitting_sizes(chart, {"bust": 90})
    assert ("letter", "M") in fits
    assert ("letter", "S") not in fits
    assert ("eu_women", "40") in fits
    assert ("eu_women", "38") not in fits


def test_a_body_just_below_an_edge_fits_the_smaller_size() -> None:
    fits = fitting_sizes(default_chart("womens_tops"), {"bust": 89.99})
    assert ("letter", "S") in fits
    assert ("eu_women", "38") in fits
    assert ("uk_women", "12") in fits


def test_a_body_past_the_largest_size_fits_none() -> None:
    assert fitting_sizes(default_chart("kids"), {"height": 179}) == []
    assert fitting_sizes(default_chart("kids"), {"height": 178.9}) == [("kids_height", "176")]


def test_children_fit_by_height_to_the_nearest_size() -> None:
    chart = default_chart("kids")
    assert fitting_sizes(chart, {"height": 107}) == [("kids_height", "110")]
    assert fitting_sizes(chart, {"height": 106.9}) == [("kids_height", "104")]


def test_feet_fit_by_foot_length_in_mm() -> None:
    fits = fitting_sizes(default_chart("mens_shoes"), {"foot_length": 265})
    assert fits == [
        ("shoe_eu", "42"),
        ("shoe_uk", "8"),
        ("shoe_us_men", "9"),
        ("shoe_cm", "26.5"),
    ]


def test_secondary_dimensions_narrow_where_the_row_states_them() -> None:
    chart = default_chart("jeans")
    waist_only = fitting_sizes(chart, {"waist": 81.5})
    assert ("jeans", "W32") in waist_only
    assert ("jeans", "W32 L28") in waist_only
    narrowed = fitting_sizes(chart, {"waist": 81.5, "inseam": 86})
    # The waist alone states no inseam, so the inseam does not exclude it.
    assert narrowed == [("jeans", "W32"), ("jeans", "W32 L34")]


def test_fit_needs_the_primary_dimension_and_sane_numbers() -> None:
    chart = default_chart("mens_shoes")
    with pytest.raises(InvalidBodyDimensions) as caught:
        fitting_sizes(chart, {"height": 180})
    assert caught.value.extensions["required"] == "foot_length"
    with pytest.raises(InvalidBodyDimensions):
        fitting_sizes(chart, {"foot_length": float("nan")})
    with pytest.raises(InvalidBodyDimensions):
        fitting_sizes(chart, {"foot": 265})
    with pytest.raises(InvalidBodyDimensions):
        fitting_sizes(chart, {"foot_length": True})


# --- steps between sizes --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "a", "b", "steps"),
    [
        ("letter", "M", "M", 0),
        ("letter", "S", "L", 2),
        ("letter", "L", "S", 2),
        ("eu_women", "38", "42", 2),
        ("shoe_eu", "42", "43", 2),
        ("kids_height", "98", "110", 2),
        ("jeans", "W32 L32", "W33 L34", 2),
        ("jeans", "W32 L32", "W32 L36", 2),
        ("jeans", "W32", "W34 L30", 2),
        ("letter", "2XL", "xl", 1),
    ],
)
def test_steps_between_counts_scale_steps(system: str, a: str, b: str, steps: int) -> None:
    assert steps_between(system, a, b) == steps


def test_steps_between_refuses_sizes_off_the_scale() -> None:
    with pytest.raises(UnknownSize):
        steps_between("letter", "M", "M/L")
