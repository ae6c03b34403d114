"""The shop in headless Chromium against a real `garderobe dev`: what a shopper does, from
registering with the mailed code to seeing the order paid."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DevShop
from tests.browser.shopper import (
    ADDRESS,
    PASSWORD,
    TEST_CARD,
    add_to_cart,
    checkout_with_new_address,
    log_in,
    mail_to,
    new_email,
    register,
    save_an_address,
    screenshot_both_widths,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def catalog(dev_shop: DevShop) -> dict[str, Any]:
    """The sample catalog once its pictures have thumbnails: the fullest category and its
    items (each sample item is one of a kind: a test that buys one takes its own)."""
    deadline = time.monotonic() + 90
    with httpx.Client(base_url=dev_shop.api, timeout=30) as http:
        while True:
            page = http.get("/api/v1/items", params={"facets": "true", "limit": 40}).json()
            pictured = [i for i in page["items"] if i["images"] and "200" in i["images"][0]["urls"]]
            if len(pictured) == len(page["items"]):
                break
            assert time.monotonic() < deadline, "sample pictures got no thumbnails in 90 s"
            time.sleep(1)
    # Leaf categories only (the facet counts parents too): where items are listed.
    counts = Counter(i["category"] for i in page["items"])
    category = counts.most_common(1)[0][0]
    item = next(i for i in pictured if i["category"] == category)
    others = [i for i in pictured if i["id"] != item["id"]]
    # A category with more items than one page of the listing (24) shows "Load more".
    big = max(page["facets"]["fields"]["category"], key=lambda v: v["count"])
    return {"category": category, "item": item, "others": others, "big": big}


def _facet_counts(page: Page) -> str:
    return page.locator(".filters").inner_text()


def test_new_shopper_filters_searches_buys_and_sees_the_order_paid(
    page: Page, dev_shop: DevShop, catalog: dict[str, Any], screenshots: Path
) -> None:
    api, email = dev_shop.api, new_email()
    register(page, api, email)
    log_in(page, api, email)

    # A category, filtered by two facets: the other facets' counts follow each choice.
    page.goto(f"{api}/c/{catalog['category']}")
    expect(page.get_by_test_id("items").locator("li").first).to_be_visible()
    facets = page.locator("fieldset[data-facet]")
    assert facets.count() >= 2, _facet_counts(page)
    before = _facet_counts(page)
    first = facets.nth(0).get_by_role("checkbox").first
    first.check()
    expect(page).to_have_url(re.compile(r"\?.*=.+"))
    expect(page.locator(".filters")).not_to_have_text(before)
    after_one = _facet_counts(page)
    facets.nth(1).get_by_role("checkbox").first.check()
    expect(page.locator(".filters")).not_to_have_text(after_one)
    filtered_url = page.url
    shown = page.get_by_test_id("items").locator("li").count()
    assert shown >= 1
    page.reload()  # the filters are in the URL: a reload shows the same page
    expect(page.get_by_test_id("items").locator("li")).to_have_count(shown)
    assert page.url == filtered_url
    screenshot_both_widths(page, screenshots, "listing")

    # Search with a typo: a word of the item's title with two letters swapped.
    word = max(re.findall(r"[A-Za-z]{5,}", catalog["item"]["title"]), key=len)
    typo = word[0] + word[2] + word[1] + word[3:]
    page.get_by_label("Search").fill(word[:4].lower())
    expect(page.locator(".suggestions button").first).to_be_visible()  # suggestions as you type
    page.get_by_label("Search").fill(typo.lower())
    page.get_by_label("Search").press("Enter")
    expect(page.get_by_test_id("results").locator("li").first).to_be_visible()
    expect(page.get_by_test_id("results")).to_contain_text(word, ignore_case=True)

    # The item page shows its pictures.
    add_to_cart(page, api, catalog["item"]["id"])
    expect(page.locator(".main-image")).to_be_visible()
    assert page.locator(".main-image").evaluate("img => img.naturalWidth") > 0
    screenshot_both_widths(page, screenshots, "item")

    checkout_with_new_address(page)
    screenshot_both_widths(page, screenshots, "checkout")
    page.get_by_role("button", name="Place order").click()
    page.get_by_label("Card number").fill(TEST_CARD)
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    page.get_by_role("link", name="Orders").click()
    expect(page.get_by_test_id("orders")).to_contain_text("Paid")


def test_guest_cart_survives_login(page: Page, dev_shop: DevShop, catalog: dict[str, Any]) -> None:
    api, email = dev_shop.api, new_email()
    register(page, api, email)
    page.evaluate("localStorage.clear()")
    item = catalog["others"][0]
    add_to_cart(page, api, item["id"])
    page.goto(f"{api}/cart")
    page.get_by_role("button", name="Checkout").click()  # a guest is asked to log in first
    log_in(page, api, email)
    page.get_by_role("link", name="Cart", exact=True).click()
    expect(page.get_by_test_id("cart-lines")).to_contain_text(item["title"])


def test_double_click_on_place_order_makes_one_order(
    page: Page, dev_shop: DevShop, catalog: dict[str, Any]
) -> None:
    api, email = dev_shop.api, new_email()
    register(page, api, email)
    log_in(page, api, email)
    add_to_cart(page, api, catalog["others"][1]["id"])
    checkout_with_new_address(page)
    page.get_by_role("button", name="Place order").dblclick()
    expect(page.get_by_test_id("order-status")).to_have_text("Awaiting payment")
    page.get_by_role("link", name="Orders").click()
    expect(page.get_by_test_id("orders").locator("li")).to_have_count(1)


def test_forgotten_password_is_reset_through_the_mailed_link(page: Page, dev_shop: DevShop) -> None:
    api, email = dev_shop.api, new_email()
    register(page, api, email)
    page.goto(f"{api}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("on its way")
    link = mail_to(api, email, r"(https?://\S+/reset-password\?token=\S+)")
    page.goto(link)
    page.get_by_label("New password").fill(PASSWORD + "-new")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_text("Your password was changed")).to_be_visible()
    log_in(page, api, email, PASSWORD + "-new")


def test_load_more_follows_the_cursor_and_price_range_filters(
    page: Page, dev_shop: DevShop, catalog: dict[str, Any]
) -> None:
    big = catalog["big"]["value"]
    # Counted now: items the other tests bought are sold and no longer listed.
    listed = httpx.get(
        f"{dev_shop.api}/api/v1/items", params={"category": big, "limit": 48}, timeout=30
    ).json()["items"]
    assert len(listed) > 24, len(listed)
    page.goto(f"{dev_shop.api}/c/{big}")
    cards = page.get_by_test_id("items").locator("li")
    expect(cards).to_have_count(24)
    page.get_by_role("button", name="Load more").click()
    expect(cards).to_have_count(len(listed))

    price = listed[0]["price"]["amount"]
    page.get_by_role("spinbutton", name="From").fill(str(price / 100))
    page.get_by_role("spinbutton", name="To").fill(str(price / 100))
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(rf"price_min={price}&price_max={price}"))
    expect(page.locator(".filters")).to_have_attribute("aria-busy", "false")
    expect(cards.first).to_be_visible()
    shown = set(page.locator(".card .price").all_inner_texts())
    assert len(shown) == 1, shown


def test_api_errors_read_as_sentences_next_to_their_cause(page: Page, dev_shop: DevShop) -> None:
    page.goto(f"{dev_shop.api}/register")
    page.get_by_label("Email").fill(new_email())
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Register").click()
    field = page.locator(".field", has=page.get_by_label("Password"))
    expect(field.locator(".field-error")).to_contain_text("at least")
    expect(page.get_by_role("alert")).to_contain_text("did not validate")

    page.goto(f"{dev_shop.api}/login")
    page.get_by_label("Email").fill(new_email())
    page.get_by_label("Password").fill("not-the-password-1")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert "{" not in page.get_by_role("alert").inner_text()


def test_an_expired_access_token_is_refreshed_unnoticed(page: Page, dev_shop: DevShop) -> None:
    api, email = dev_shop.api, new_email()
    register(page, api, email)
    log_in(page, api, email)
    page.evaluate(
        """() => {
            const t = JSON.parse(localStorage.getItem("garderobe.tokens"));
            localStorage.setItem("garderobe.tokens",
                JSON.stringify({...t, access_token: "expired.or.revoked"}));
        }"""
    )
    page.goto(f"{api}/orders")
    expect(page.get_by_role("heading", name="Your orders")).to_be_visible()
    expect(page.get_by_text("No orders yet.")).to_be_visible()
    tokens = page.evaluate("JSON.parse(localStorage.getItem('garderobe.tokens'))")
    assert tokens["access_token"] != "expired.or.revoked"


def test_a_write_refused_for_an_expired_token_is_sent_again_after_the_refresh(
    page: Page, dev_shop: DevShop
) -> None:
    # The typed client replays the request after refreshing: the body must go out twice.
    api, email = dev_shop.api, new_email()
    register(page, api, email)
    log_in(page, api, email)
    page.goto(f"{api}/account")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    page.evaluate(
        """() => {
            const t = JSON.parse(localStorage.getItem("garderobe.tokens"));
            localStorage.setItem("garderobe.tokens",
                JSON.stringify({...t, access_token: "expired.or.revoked"}));
        }"""
    )
    posts: list[Any] = []
    page.on(
        "request",
        lambda r: posts.append(r) if r.method == "POST" and r.url.endswith("/addresses") else None,
    )
    save_an_address(page)
    expect(page.get_by_text("Sam Shopper, 1 Main St, 10115 Berlin, DE")).to_be_visible()
    first, again = posts
    assert first.headers["authorization"] == "Bearer expired.or.revoked"
    assert again.headers["authorization"] != "Bearer expired.or.revoked"
    assert first.post_data_json == again.post_data_json == ADDRESS
