"""Steps of a shopper in the storefront, shared by the end-to-end tests."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

PASSWORD = "correct-horse-42"
TEST_CARD = "4242 4242 4242 4242"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


def new_email() -> str:
    return f"shopper.{uuid.uuid4().hex[:10]}@example.com"


def mail_to(api: str, email: str, pattern: str, timeout: float = 30) -> str:
    """The first match of `pattern` in a mail to `email` in the dev inbox (/dev/mails)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for mail in httpx.get(f"{api}/dev/mails", params={"limit": 50}, timeout=10).json():
            if email in mail["rcpt_tos"] and (found := re.search(pattern, mail["text"])):
                return found.group(1)
        time.sleep(0.5)
    raise AssertionError(f"no mail to {email} matching {pattern!r} in {timeout} s")


def register(page: Page, api: str, email: str) -> None:
    page.goto(f"{api}/register")
    page.get_by_label("Name").fill("Sam Shopper")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Confirm your email")).to_be_visible()
    page.get_by_label("Code").fill(mail_to(api, email, r"code is (\d{6})"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Your email is confirmed")).to_be_visible()


def log_in(page: Page, api: str, email: str, password: str = PASSWORD) -> None:
    if "/login" not in page.url:
        page.goto(f"{api}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Orders")).to_be_visible()


def choose_a_variant(page: Page) -> None:
    """On an item page: the first size that can be bought in the colour chosen (an item of
    one variant shows no pickers, and needs no choice)."""
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    sizes = page.locator(".picker.sizes button:enabled")
    if sizes.count():
        sizes.first.click()


def add_to_cart(page: Page, api: str, item_id: str) -> None:
    page.goto(f"{api}/items/{item_id}")
    choose_a_variant(page)
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added")


# What save_an_address types, as the API lists it back.
ADDRESS = {"recipient": "Sam Shopper", "line1": "1 Main St", "city": "Berlin"}
ADDRESS |= {"postal_code": "10115", "country": "DE"}


def save_an_address(page: Page) -> None:
    """Fill the address form on the page (checkout or account) with ADDRESS and save it."""
    page.get_by_label("Recipient").fill(ADDRESS["recipient"])
    page.get_by_label("Street and number").fill(ADDRESS["line1"])
    page.get_by_label("City").fill(ADDRESS["city"])
    page.get_by_label("Postal code").fill(ADDRESS["postal_code"])
    page.get_by_label("Country (2 letters)").fill(ADDRESS["country"])
    page.get_by_role("button", name="Save the address").click()


def checkout_with_new_address(page: Page) -> None:
    page.get_by_role("link", name="Cart", exact=True).click()
    page.get_by_role("button", name="Checkout").click()
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    save_an_address(page)
    expect(page.get_by_role("radio")).to_be_checked()


def screenshot_both_widths(page: Page, folder: Path, name: str) -> None:
    """Reloaded at each width (the state is in the URL), as a phone would open the page."""
    size = page.viewport_size
    for width, (w, h) in WIDTHS.items():
        page.set_viewport_size({"width": w, "height": h})
        page.reload(wait_until="networkidle")
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)
    if size:
        page.set_viewport_size(size)
        page.reload(wait_until="networkidle")
