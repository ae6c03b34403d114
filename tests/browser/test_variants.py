"""Items sold in sizes and colours, in headless Chromium against a real `garderobe dev`:
the item page's pickers choose one variant, and the cart and the listing show variants."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from garderobe.dev import accounts
from garderobe.dev.pictures import garment_picture
from tests.browser.conftest import DevShop
from tests.browser.shopper import (
    TEST_CARD,
    checkout_with_new_address,
    log_in,
    new_email,
    register,
)

pytestmark = pytest.mark.integration

# Positions out of scale order on purpose: the picker sorts by the letter scale.
TEE_VARIANTS: list[dict[str, Any]] = [
    {"size": "L", "colour": "black", "stock": 10},
    {"size": "S", "colour": "black", "stock": 10},
    {"size": "M", "colour": "black", "stock": 0},
    {"size": "M", "colour": "white", "stock": 10, "price": {"amount": 2500, "currency": "EUR"}},
    {"size": "S", "colour": "white", "stock": 2},
]


@pytest.fixture(scope="module")
def admin(dev_shop: DevShop) -> dict[str, str]:
    path = accounts.credentials_file(dev_shop.cwd / ".garderobe")
    values = dict(
        line.split("=", 1) for line in path.read_text().splitlines() if not line.startswith("#")
    )
    login = httpx.post(
        f"{dev_shop.api}/api/v1/auth/login",
        json={"email": values["DEV_ADMIN_EMAIL"], "password": values["DEV_ADMIN_PASSWORD"]},
        timeout=30,
    )
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['access_token']}"}


def _tee(dev_shop: DevShop, admin: dict[str, str], variants: list[dict[str, Any]]) -> Any:
    body = {
        "title": f"Variant tee {uuid.uuid4().hex[:6]}",
        "category": "t-shirts",
        "brand": "uniqlo",
        "condition": "new-with-tags",
        "colours": ["black", "white"],
        "price": {"amount": 1999, "currency": "EUR"},
        "attributes": {"fit": "Slim", "sleeves": "short", "collar": "Polo"},
        "status": "active",
        "variants": variants,
    }
    made = httpx.post(f"{dev_shop.api}/api/v1/items", json=body, headers=admin, timeout=30)
    assert made.status_code == 201, made.text
    return made.json()


@pytest.fixture
def tee(dev_shop: DevShop, admin: dict[str, str]) -> Any:
    return _tee(dev_shop, admin, TEE_VARIANTS)


def _with_pictures(dev_shop: DevShop, admin: dict[str, str], item: Any) -> None:
    """A picture of the tee in black and one in white, each naming the colour it shows."""
    path = ["clothes", "tops", "t-shirts"]
    files = [
        ("files", (f"{colour}.jpg", garment_picture(path, [colour], "plain"), "image/jpeg"))
        for colour in ("black", "white")
    ]
    base = f"{dev_shop.api}/api/v1/items/{item['id']}/images"
    alts = {"alt": ["Black tee", "White tee"]}
    uploaded = httpx.post(base, files=files, data=alts, headers=admin, timeout=30)
    assert uploaded.status_code == 201, uploaded.text
    for image, colour in zip(uploaded.json(), ("black", "white"), strict=True):
        named = httpx.patch(
            f"{base}/{image['id']}",
            json={"alt": image["alt"], "colour": colour},
            headers=admin,
            timeout=30,
        )
        assert named.status_code == 200, named.text


def _variant(item: Any, size: str, colour: str) -> Any:
    return next(v for v in item["variants"] if v["size"]["value"] == size and v["colour"] == colour)


def test_the_pickers_choose_one_variant_with_its_price_and_sold_out_sizes_disabled(
    page: Page, dev_shop: DevShop, admin: dict[str, str], tee: Any, screenshots: Path
) -> None:
    _with_pictures(dev_shop, admin, tee)
    page.goto(f"{dev_shop.api}/items/{tee['id']}")
    sizes = page.locator(".picker.sizes button")
    expect(sizes).to_have_text(["S", "M", "L"])
    # The colour of the first variant in stock is chosen (and its picture): its M is sold out.
    expect(page.get_by_role("button", name="Black", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator(".main-image")).to_have_attribute("alt", "Black tee")
    expect(sizes.filter(has_text="M")).to_be_disabled()
    expect(page.get_by_test_id("price")).to_have_text(re.compile(r"^from .*19[.,]99"))
    expect(page.get_by_role("button", name="Add to cart")).to_be_disabled()

    sizes.filter(has_text="S").click()
    expect(page.get_by_test_id("price")).to_have_text(re.compile(r"^\D*19[.,]99"))
    expect(page.get_by_test_id("availability")).to_have_text("In stock")
    # White comes in S too: the size stays, and white's M can be chosen.
    page.get_by_role("button", name="White", exact=True).click()
    expect(page.locator(".main-image")).to_have_attribute("alt", "White tee")
    expect(page.get_by_test_id("availability")).to_have_text("Only a few left")
    expect(sizes.filter(has_text="M")).to_be_enabled()
    sizes.filter(has_text="M").click()
    expect(page.get_by_test_id("price")).to_have_text(re.compile(r"^\D*25[.,]00"))
    expect(sizes.filter(has_text="M")).to_have_attribute("aria-pressed", "true")
    page.screenshot(path=screenshots / "shop-variant.png", full_page=True)


def test_a_shopper_buys_the_chosen_variant_and_sees_its_size_and_colour_on_the_lines(
    page: Page, dev_shop: DevShop, admin: dict[str, str], tee: Any
) -> None:
    api, email, white_m = dev_shop.api, new_email(), _variant(tee, "M", "white")
    register(page, api, email)
    log_in(page, api, email)
    page.goto(f"{api}/items/{tee['id']}")
    page.get_by_role("button", name="White", exact=True).click()
    page.locator(".picker.sizes button", has_text="M").click()
    with page.expect_request(re.compile(r"/api/v1/cart/items$")) as sent:
        page.get_by_role("button", name="Add to cart").click()
    assert sent.value.post_data_json == {
        "item_id": tee["id"],
        "variant_id": white_m["id"],
        "quantity": 1,
    }
    expect(page.get_by_role("status")).to_contain_text("Added")
    page.get_by_role("link", name="View cart").click()
    line = page.get_by_test_id("cart-lines").locator("li", has_text=tee["title"])
    expect(line.get_by_test_id("line-variant")).to_have_text("M · White")
    expect(line).to_contain_text("25")

    checkout_with_new_address(page)
    page.get_by_role("button", name="Place order").click()
    ordered = page.locator(".lines li", has_text=tee["title"])
    expect(ordered.get_by_test_id("line-variant")).to_have_text("M · White")
    page.get_by_label("Card number").fill(TEST_CARD)
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    # The unit sold was a white M: the other variants keep theirs.
    stock = httpx.get(f"{api}/api/v1/admin/stock/{tee['id']}", headers=admin, timeout=30).json()
    on_hand = {row["variant_id"]: row["on_hand"] for row in stock["variants"]}
    assert on_hand == {
        _variant(tee, v["size"], v["colour"])["id"]: v["stock"] - (v is TEE_VARIANTS[3])
        for v in TEE_VARIANTS
    }


def test_cards_show_price_range_and_sizes_in_stock_and_filters_follow_the_scale(
    page: Page, dev_shop: DevShop, admin: dict[str, str], tee: Any
) -> None:
    gone = _tee(dev_shop, admin, [{"size": "XL", "colour": "black", "stock": 0}])
    page.goto(f"{dev_shop.api}/c/t-shirts")
    card = page.locator(".card", has_text=tee["title"])
    expect(card.locator(".price")).to_have_text(re.compile(r"^from .*19[.,]99"))
    expect(card.get_by_label("Sizes in stock")).to_have_text("S · M · L")
    expect(page.locator(".card", has_text=gone["title"])).to_contain_text("Sold out")

    facet = httpx.get(
        f"{dev_shop.api}/api/v1/items",
        params={"category": "t-shirts", "facets": "true"},
        timeout=30,
    ).json()["facets"]["fields"]["size"]
    shown = page.locator("fieldset[data-facet=size] label").all_inner_texts()
    assert [re.sub(r"\s*\(\d+\)$", "", text) for text in shown] == [v["label"] for v in facet]
    letters = [v["label"] for v in facet if v["value"] in {"letter:S", "letter:M", "letter:L"}]
    assert letters == ["S", "M", "L"]

    page.locator("fieldset[data-facet=colour] label", has_text="White").get_by_role(
        "checkbox"
    ).check()
    expect(page).to_have_url(re.compile(r"colour=white"))
    expect(page.locator(".card", has_text=gone["title"])).to_have_count(0)
    page.locator("fieldset[data-facet=colour] label", has_text="White").get_by_role(
        "checkbox"
    ).uncheck()
    expect(page.locator(".card", has_text=gone["title"])).to_be_visible()
    page.get_by_role("switch", name="In stock only").check()
    expect(page).to_have_url(re.compile(r"in_stock=true"))
    expect(page.locator(".card", has_text=gone["title"])).to_have_count(0)
    expect(card).to_be_visible()
