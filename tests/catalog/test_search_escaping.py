"""Search snippets are HTML: item text escaped, only the highlight marks are tags."""

from __future__ import annotations

import html
import re

import httpx

from tests.catalog.helpers import create

HOSTILE_TITLE = '<img src=x onerror="alert(1)"> Velvet blazer'
HOSTILE_DESCRIPTION = "Velvet & satin <script>alert('d')</script> <a href='javascript:x'>x</a>"
HOSTILE_BRAND = "<b onmouseover=alert(2)>Evil</b>"
HOSTILE_ATTRIBUTE = "<svg onload=alert(3)>"


async def test_hostile_html_in_item_text_comes_back_escaped_in_snippets(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    brand = await client.post("/api/v1/brands", json={"name": HOSTILE_BRAND}, headers=admin)
    assert brand.status_code == 201, brand.text
    attribute = await client.post(
        "/api/v1/categories/t-shirts/attributes",
        json={"name": "print", "label": "Print", "type": "text"},
        headers=admin,
    )
    assert attribute.status_code == 201, attribute.text
    await create(
        client,
        admin,
        title=HOSTILE_TITLE,
        description=HOSTILE_DESCRIPTION,
        brand=brand.json()["slug"],
        attributes={"fit": "slim", "print": HOSTILE_ATTRIBUTE},
    )

    for q in ("velvet", "satin", "evil", "onerror", "script"):
        response = await client.get("/api/v1/search", params={"q": q})
        assert response.status_code == 200, response.text
        for hit in response.json()["items"]:
            snippet = hit["snippet"]
            # Only <mark> and </mark> are tags; everything else arrived escaped.
            assert re.findall(r"</?[a-z][^>]*>", snippet) == [
                t for t in re.findall(r"</?[a-z][^>]*>", snippet) if t in ("<mark>", "</mark>")
            ]
            unmarked = snippet.replace("<mark>", "").replace("</mark>", "")
            assert "<" not in unmarked
            assert ">" not in unmarked
            # Escaped, not lost: unescaping gives back text without a single tag in it.
            assert "<" not in html.unescape(unmarked) or "&lt;" in unmarked
            # Plain-text fields come back as the text itself (the client escapes them).
            assert hit["title"] == HOSTILE_TITLE
            assert hit["brand"] == HOSTILE_BRAND

    velvet = (await client.get("/api/v1/search", params={"q": "velvet"})).json()["items"]
    assert velvet, "the hostile item must be found"
    assert "<mark>Velvet</mark>" in velvet[0]["snippet"]
    # PostgreSQL's parser drops whole tags from headlines; what is left is escaped.
    assert "<mark>Velvet</mark> &amp; satin" in velvet[0]["snippet"]
