"""Imports through the API: the example files, upserts by SKU, the report's problems."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from tests.imports.helpers import EXAMPLES, catalogue, ndjson, refusals, run_import, tee

Jobs = Callable[[], Awaitable[int]]


async def test_example_ndjson_creates_its_items_with_variants_and_stock(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    done = await run_import(client, admin, run_jobs, (EXAMPLES / "import.ndjson").read_bytes())
    assert (done["lines_read"], done["created"], done["refused"]) == (2, 2, 0)
    polo, tee_ = await catalogue(client, admin)
    assert [v["sku"] for v in tee_["variants"]] == ["UQ-TEE-WHT-S", "UQ-TEE-WHT-M", "UQ-TEE-WHT-L"]
    assert [v["stock"]["on_hand"] for v in tee_["variants"]] == [4, 7, 0]
    assert tee_["variants"][2]["price"]["amount"] == 2199
    assert tee_["attributes"]["chest_flat"] == 52
    assert [v["colour"] for v in polo["variants"]] == ["black", "navy"]


async def test_example_csv_gives_the_same_items_as_the_ndjson(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    body = (EXAMPLES / "import.csv").read_bytes()
    done = await run_import(client, admin, run_jobs, body, fmt="csv")
    assert (done["lines_read"], done["created"], done["refused"]) == (2, 2, 0)
    polo, tee_ = await catalogue(client, admin)
    assert [v["stock"]["on_hand"] for v in tee_["variants"]] == [4, 7, 0]
    assert tee_["attributes"] == {
        "fit": "slim",
        "sleeves": "short",
        "collar": "henley",
        "chest_flat": 52,
    }
    assert polo["colours"] == ["black", "navy"]
    assert [v["size"]["label"] for v in polo["variants"]] == ["M", "M"]


async def test_report_gives_each_planted_bad_line_and_its_problem(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    bad_size = tee("B", variants=[{"sku": "B-1", "size": "ZZ9", "stock": 1}])
    body = ndjson(
        tee("A"),
        tee("W", attributes={"fit": "slim", "wheels": 4}),
        bad_size,
        tee("N", variants=[{"sku": "N-1", "size": "S", "stock": -1}]),
        '{"title": "cut off',
        tee("C"),
    )
    done = await run_import(client, admin, run_jobs, body)
    assert (done["lines_read"], done["created"], done["refused"]) == (6, 2, 4)
    problems = await refusals(client, admin, done["id"])
    assert sorted(problems) == [2, 3, 4, 5]
    kinds = {line: problem["type"].rsplit("/", 1)[1] for line, problem in problems.items()}
    assert kinds == {
        2: "invalid-attributes",
        3: "unknown-size",
        4: "validation-error",
        5: "malformed-line",
    }
    assert problems[2]["errors"][0]["attribute"] == "wheels"
    assert problems[4]["errors"][0]["field"] == "variants.0.stock"
    assert {p["status"] for p in problems.values()} == {422}


async def test_the_same_problem_types_as_the_api(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    line = tee("W", attributes={"fit": "slim", "wheels": 4})
    direct = await client.post("/api/v1/items", json=line, headers=admin)
    done = await run_import(client, admin, run_jobs, ndjson(line))
    problem = (await refusals(client, admin, done["id"]))[1]
    api = direct.json()
    assert (problem["type"], problem["title"], problem["errors"]) == (
        api["type"],
        api["title"],
        api["errors"],
    )


async def test_report_as_csv_names_line_and_problem(
    client: httpx.AsyncClient, admin: dict[str, str], run_jobs: Jobs
) -> None:
    done = await run_import(client, admin, run_jobs, ndjson(tee("A"), "[1, 2]"))
    response = await client.get(
        f"/api/v1/imports/{done['id']}/report", params={"format": "csv"}, headers=admin
    )
    assert response.headers["content-type"].startswith("text/csv")
    rows = response.text.splitlines()
    assert rows[0] == "line,type,title,status,detail,errors"
    assert rows[1].startswith("2,https://")
    assert "malformed-line" in rows[1]
