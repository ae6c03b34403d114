"""Size charts: every default chart covers its systems, rows pinned against their sources,
and the validation of charts given as data (brand charts)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from garderobe.sizing.charts import (
    InvalidSizeChart,
    SizeChart,
    UnknownGarmentKind,
    chart_from_data,
    default_chart,
    garment_kinds,
)
from garderobe.sizing.systems import size_system

pytestmark = pytest.mark.unit

KINDS = (
    "jeans", "kids", "mens_bottoms", "mens_shoes", "mens_tops",
    "womens_bottoms", "womens_shoes", "womens_tops",
)  # fmt: skip


def _range(chart: SizeChart, system: str, value: str, dimension: str) -> tuple[float, float]:
    row = chart.row(system, value)
    assert row is not None, f"{chart.kind}: no row for {system} {value}"
    found = row.ranges[dimension]
    return found.low, found.high


def test_the_garment_kinds_are_the_documented_ones() -> None:
    assert tuple(garment_kinds()) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_covers_its_systems_except_the_values_it_declares_unmapped(kind: str) -> None:
    chart = default_chart(kind)
    assert chart.systems()
    for system in chart.systems():
        assert set(chart.uncovered(system)) == set(chart.unmapped.get(system, ()))
        assert chart.unmapped_reasons.get(system, "x")
    assert {row.system for row in chart.rows} == set(chart.systems())


@pytest.mark.parametrize("kind", KINDS)
def test_every_chart_names_its_source_with_what_was_read_and_when(kind: str) -> None:
    source = default_chart(kind).source
    assert source.kind in ("standard", "derived", "brand")
    assert source.title
    assert source.references
    for reference in source.references:
        assert reference.read == "2026-12-03"
        assert reference.took
    assert source.derivation, "a derived chart says how it was derived"


@pytest.mark.parametrize("kind", KINDS)
def test_within_a_system_ranges_are_contiguous_and_ascend(kind: str) -> None:
    chart = default_chart(kind)
    for system in chart.systems():
        ranges = [row.ranges[chart.primary] for row in chart.rows_of(system)]
        for lower, upper in itertools.pairwise(ranges):
            # Jeans repeat the waist range for each inseam of one waist: equal, not a gap.
            assert lower.high == upper.low or (lower.low, lower.high) == (upper.low, upper.high)


def test_unknown_garment_kind_is_a_422_naming_the_kinds() -> None:
    with pytest.raises(UnknownGarmentKind) as caught:
        default_chart("hats")
    assert caught.value.status_code == 422
    assert caught.value.extensions["known_kinds"] == list(KINDS)


# --- rows pinned against their sources -------------------------------------------------------


def test_womens_eu_sizes_follow_the_german_formula_size_is_half_bust_minus_six() -> None:
    # style-engineers.com: Kleidergröße = Brustumfang / 2 - 6, so EU 38 is a nominal 88 cm
    # bust; sizes are 4 cm apart and a body takes the nearest size: 86-90 cm.
    chart = default_chart("womens_tops")
    assert _range(chart, "eu_women", "38", "bust") == (86, 90)
    assert _range(chart, "eu_women", "32", "bust") == (74, 78)
    assert _range(chart, "eu_women", "54", "bust") == (118, 122)


def test_womens_uk_us_fr_it_sizes_follow_the_conversion_table_columns() -> None:
    # kimbolsover.com: UK 10 = USA 8 = Germany 36 = France 38 = Italy 42 (one column).
    chart = default_chart("womens_tops")
    german = _range(chart, "eu_women", "36", "bust")
    for system, value in (("uk_women", "10"), ("us_women", "8"), ("fr_women", "38")):
        assert _range(chart, system, value, "bust") == german
    assert _range(chart, "it_women", "42", "bust") == german
    # goldner-fashion.com: a German 38 is an Italian 44 and a French 40.
    assert _range(chart, "it_women", "44", "bust") == _range(chart, "eu_women", "38", "bust")
    assert chart.unmapped["uk_women"] == ("4", "24", "26")


def test_womens_letter_sizes_are_the_en_13402_3_letter_code_bust_bands() -> None:
    chart = default_chart("womens_tops")
    assert _range(chart, "letter", "XS", "bust") == (74, 82)
    assert _range(chart, "letter", "M", "bust") == (90, 98)
    assert _range(chart, "letter", "L", "bust") == (98, 107)
    assert _range(chart, "letter", "4XL", "bust") == (143, 155)
    assert chart.row("letter", "XXS") is None


def test_mens_sizes_follow_half_the_chest_girth_and_the_letter_code_chest_bands() -> None:
    # warenkunde-handel.de: chest 100 cm is size 50; EN 13402-3 letters as transcribed.
    chart = default_chart("mens_tops")
    assert _range(chart, "eu_men", "50", "chest") == (98, 102)
    assert _range(chart, "letter", "M", "chest") == (94, 102)
    assert _range(chart, "letter", "XXL", "chest") == (118, 129)
    assert _range(chart, "letter", "4XL", "chest") == (141, 154)


def test_mens_uk_and_us_sizes_are_the_chest_in_inches() -> None:
    # tom-murphy.ie / knotstandard: a 40 jacket is for a 40-inch chest; even sizes only.
    chart = default_chart("mens_tops")
    assert _range(chart, "uk_men", "40", "chest") == (99.1, 104.1)
    assert _range(chart, "us_men", "40", "chest") == (99.1, 104.1)


def test_jeans_waist_and_inseam_are_inches_times_2_54() -> None:
    # hilfreich.de: W31/L34 is a 78 cm waist and an 86 cm inside leg.
    chart = default_chart("jeans")
    low, high = _range(chart, "jeans", "W31 L34", "waist")
    assert (low, high) == (77.5, 80.0)
    assert low <= 78 < high
    low, high = _range(chart, "jeans", "W31 L34", "inseam")
    assert (low, high) == (83.8, 88.9)
    assert low <= 86 < high
    waist_only = chart.row("jeans", "W31")
    assert waist_only is not None
    assert set(waist_only.ranges) == {"waist"}


def _foot_mm_from_last_cm(last_cm: float) -> float:
    return (last_cm - 1.5) * 10  # 1.5 cm toe allowance (haflingerdepot.com, shoepassion.de)


def _last_cm(system: str, size: float) -> float:
    """isegoria.net: the size formulas on the last length, solved for the last (cm)."""
    offsets = {"shoe_uk": 25.0, "shoe_us_men": 24.0, "shoe_us_women": 22.5}
    if system == "shoe_eu":
        return size / 1.5
    return (size + offsets[system]) / 3 * 2.54


@pytest.mark.parametrize("kind", ["mens_shoes", "womens_shoes"])
def test_every_shoe_row_is_the_published_formula_on_a_half_size_grid(kind: str) -> None:
    chart = default_chart(kind)
    for row in chart.rows:
        size = float(row.value)
        foot = row.ranges["foot_length"]
        if row.system == "shoe_cm":
            expected = (size * 10 - 2.5, size * 10 + 2.5)
        else:
            expected = (
                _foot_mm_from_last_cm(_last_cm(row.system, size - 0.25)),
                _foot_mm_from_last_cm(_last_cm(row.system, size + 0.25)),
            )
        assert foot.low == pytest.approx(expected[0], abs=0.051), (row.system, row.value)
        assert foot.high == pytest.approx(expected[1], abs=0.051), (row.system, row.value)
        assert foot.unit == "mm"


def test_eu_42_and_its_neighbours_pinned_in_mm() -> None:
    chart = default_chart("mens_shoes")
    assert _range(chart, "shoe_eu", "42", "foot_length") == (263.3, 266.7)
    assert _range(chart, "shoe_uk", "8", "foot_length") == (262.3, 266.5)
    assert _range(chart, "shoe_us_men", "9", "foot_length") == (262.3, 266.5)
    assert _range(chart, "shoe_cm", "26.5", "foot_length") == (262.5, 267.5)
    women = default_chart("womens_shoes")
    assert _range(women, "shoe_us_women", "10.5", "foot_length") == (262.3, 266.5)


def test_childrens_sizes_are_the_height_with_the_nearest_size_rule() -> None:
    chart = default_chart("kids")
    assert _range(chart, "kids_height", "110", "height") == (107, 113)
    assert _range(chart, "kids_height", "50", "height") == (47, 53)
    assert _range(chart, "kids_height", "176", "height") == (173, 179)


# --- charts given as data ---------------------------------------------------------------------


def _brand_chart(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "womens_tops",
        "brand": "Example Brand",
        "primary": "bust",
        "systems": ["letter", "eu_women"],
        "rows": [
            {"system": "letter", "value": "S", "bust": [84, 88], "waist": [66, 70]},
            {"system": "letter", "value": "M", "bust": [88, 92]},
            {"system": "eu_women", "value": 38, "bust": [86, 90]},
        ],
        "source": {
            "kind": "brand",
            "title": "Example Brand size guide",
            "references": [
                {
                    "title": "Size guide",
                    "url": "https://example.com/size-guide",
                    "read": "2026-12-01",
                    "took": "the bust column",
                }
            ],
        },
    }
    data.update(changes)
    return data


def _problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(InvalidSizeChart) as caught:
        chart_from_data(data)
    assert caught.value.status_code == 422
    assert caught.value.slug == "invalid-size-chart"
    return {p["field"]: p["message"] for p in caught.value.extensions["errors"]}


def test_a_valid_brand_chart_is_read_with_canonical_values() -> None:
    chart = chart_from_data(_brand_chart())
    assert chart.brand == "Example Brand"
    assert chart.row("eu_women", "38") is not None
    row = chart.row("letter", "S")
    assert row is not None
    assert row.ranges["waist"].unit == "cm"
    assert chart.uncovered("letter") == ("XXS", "XS", "L", "XL", "XXL", "3XL", "4XL")


def test_a_brand_chart_with_an_unknown_system_is_refused() -> None:
    data = _brand_chart()
    data["rows"][0]["system"] = "eu_womens"
    assert "rows[0].system" in _problems(data)


def test_a_brand_chart_with_a_value_not_on_its_scale_is_refused() -> None:
    data = _brand_chart()
    data["rows"][2]["value"] = "39"
    assert "is not a size of" in _problems(data)["rows[2].value"]


def test_a_range_whose_low_is_not_below_its_high_is_refused() -> None:
    data = _brand_chart()
    data["rows"][1]["bust"] = [92, 92]
    data["rows"][0]["waist"] = [70, 66]
    problems = _problems(data)
    assert "low < high" in problems["rows[1].bust"]
    assert "low < high" in problems["rows[0].waist"]


def test_a_row_without_the_primary_dimension_is_refused() -> None:
    data = _brand_chart()
    del data["rows"][1]["bust"]
    assert _problems(data)["rows[1].bust"] == "every row needs the primary dimension"


def test_every_problem_is_named_in_one_422() -> None:
    data = _brand_chart(kind="hats", primary="shoulder")
    data["rows"][0]["bust"] = [float("nan"), 88]
    data["rows"][1]["elbow"] = [1, 2]
    data["rows"].append(copy.deepcopy(data["rows"][2]))
    problems = _problems(data)
    assert {"kind", "primary", "rows[0].bust", "rows[1].elbow", "rows[3]"} <= set(problems)


def test_a_brand_chart_needs_the_address_of_the_page_it_was_read_from() -> None:
    data = _brand_chart()
    data["source"]["references"][0]["url"] = None
    assert "source.references[0].url" in _problems(data)
    data = _brand_chart()
    data["source"]["kind"] = "standard"
    assert _problems(data)["source.kind"] == "must be brand"


def test_a_chart_without_a_source_or_rows_is_refused() -> None:
    problems = _problems(_brand_chart(source=None, rows=[]))
    assert {"source", "rows"} <= set(problems)


@pytest.mark.parametrize("data", [None, [], "chart", 3])
def test_data_that_is_no_object_is_refused_not_crashed_on(data: Any) -> None:
    with pytest.raises(InvalidSizeChart):
        chart_from_data(data)


def test_unmapped_values_must_be_values_without_a_row() -> None:
    data = _brand_chart(unmapped={"letter": {"values": ["S"], "why": "not made"}})
    assert "unmapped.letter.values" in _problems(data)
    chart = chart_from_data(_brand_chart(unmapped={"letter": {"values": ["XL"], "why": "n/a"}}))
    assert chart.unmapped == {"letter": ("XL",)}


def test_the_packaged_charts_pass_the_same_validation_as_uploads() -> None:
    for kind in KINDS:
        chart = default_chart(kind)
        assert size_system(chart.rows[0].system)
        assert all(chart.primary in row.ranges for row in chart.rows)
