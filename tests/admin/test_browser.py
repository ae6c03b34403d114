"""The admin panel in headless Chromium, as an operator uses it. Screenshots of each step go
to build/screenshots (BROWSER_SCREENSHOTS)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
from beanie import PydanticObjectId
from playwright.async_api import Page, async_playwright
from sqlalchemy import select

from garderobe.catalog.documents import Item, ItemStatus
from garderobe.catalog.taxonomy import loading
from garderobe.commerce.models import OrderEvent, OrderStatus
from garderobe.infra.devstack import MailSink
from garderobe.infra.stores import Stores
from garderobe.settings import Settings
from tests.admin.browser import SCREENSHOTS, chromium_path, served_app
from tests.admin.helpers import admin_account
from tests.catalog.helpers import create
from tests.commerce.helpers import shopper, stocked_item
from tests.factories import DEFAULT_PASSWORD, auth_headers, create_user


async def sign_in(page: Page, base: str, email: str) -> None:
    await page.goto(f"{base}/admin/login")
    await page.fill("input[name=username]", email)
    await page.fill("input[name=password]", DEFAULT_PASSWORD)
    await page.click("button[type=submit]")


async def paid_order(client: httpx.AsyncClient, stores: Stores, settings: Settings) -> str:
    buyer = await shopper(client, stores, settings, email="buyer@example.org")
    await buyer.add(await stocked_item(stores))
    order_id: str = (await buyer.order()).json()["id"]
    paid = await client.post(
        f"/api/v1/orders/{order_id}/pay",
        headers=buyer.headers,
        json={"card_number": "4242424242424242"},
    )
    assert paid.status_code == 200
    return order_id


async def test_operator_finds_a_user_ships_an_order_and_archives_an_item(
    client: httpx.AsyncClient,
    stores: Stores,
    settings: Settings,
    mail_sink: MailSink,
    run_jobs: Callable[[], Awaitable[int]],
) -> None:
    await loading.load_file()
    admin = await admin_account(stores)
    item = await create(client, auth_headers(settings, admin), title="Green scarf")
    order_id = await paid_order(client, stores, settings)
    await run_jobs()
    mail_sink.clear()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    async with served_app(settings, stores) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = await browser.new_page()
        await sign_in(page, base, admin.email)
        await page.wait_for_url(f"{base}/admin/")
        await page.screenshot(path=SCREENSHOTS / "01-signed-in.png")

        await page.goto(f"{base}/admin/user/list")
        await page.fill("#search-input", "buyer@")
        await page.press("#search-input", "Enter")
        await page.wait_for_url("**search=buyer*")
        table = await page.inner_text("table")
        assert "buyer@example.org" in table
        assert admin.email not in table
        await page.screenshot(path=SCREENSHOTS / "02-user-found.png")

        await page.goto(f"{base}/admin/order/details/{order_id}")
        await page.get_by_text("Mark shipped").first.click()
        await page.locator("#modal-confirmation-ship button.btn-blue").click()
        await page.wait_for_url(f"**/admin/order/details/{order_id}")
        await page.screenshot(path=SCREENSHOTS / "03-order-shipped.png")

        # A list action: the ticked rows go with the confirmation form (a POST with the token).
        await page.goto(f"{base}/admin/order/list")
        await page.check("input.select-box")
        await page.click("#dropdownMenuButton")
        await page.click("#action-customconfirm-deliver")
        await page.locator("#modal-confirmation-deliver button.btn-blue").click()
        await page.wait_for_url(f"**/admin/order/details/{order_id}")
        await page.screenshot(path=SCREENSHOTS / "03b-order-delivered.png")

        await page.goto(f"{base}/admin/catalog?search=scarf")
        await page.click("text=Green scarf")
        await page.select_option("select[name=status]", "archived")
        await page.click("text=Change status")
        await page.wait_for_selector("#item-status:has-text('archived')")
        await page.screenshot(path=SCREENSHOTS / "04-item-archived.png")

        customer = await create_user(stores.sessionmaker, email="shopper@example.org")
        other = await browser.new_page()
        await sign_in(other, base, customer.email)
        assert "for admins" in await other.inner_text("body")
        await other.screenshot(path=SCREENSHOTS / "05-customer-refused.png")
        await browser.close()

    await run_jobs()
    mail = await mail_sink.wait_for(
        lambda m: "buyer@example.org" in m.rcpt_tos and "shipped" in m.subject.lower()
    )
    assert "is now: shipped" in mail.text
    async with stores.sessionmaker() as session:
        events = (
            await session.scalars(
                select(OrderEvent).where(
                    OrderEvent.to_status.in_([OrderStatus.SHIPPED, OrderStatus.DELIVERED])
                )
            )
        ).all()
    assert sorted((e.to_status.value, e.actor) for e in events) == [
        ("delivered", str(admin.id)),
        ("shipped", str(admin.id)),
    ]
    stored = await Item.get(PydanticObjectId(item["id"]))
    assert stored is not None
    assert stored.status is ItemStatus.ARCHIVED


async def test_operator_adds_a_variant_and_sets_its_stock_from_the_item_page(
    client: httpx.AsyncClient, stores: Stores, settings: Settings
) -> None:
    await loading.load_file()
    admin = await admin_account(stores)
    item = await create(client, auth_headers(settings, admin), title="Grey tee")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    async with served_app(settings, stores) as base, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        page = await browser.new_page()
        await sign_in(page, base, admin.email)
        await page.wait_for_url(f"{base}/admin/")
        await page.goto(f"{base}/admin/catalog/{item['id']}")
        adding = page.get_by_role("form", name="Add a variant")
        await adding.get_by_label("Size", exact=True).fill("XL")
        await adding.get_by_label("Colour").select_option("grey")
        await adding.get_by_label("Price").fill("24.50")
        await adding.get_by_role("button", name="Add the variant").click()
        row = page.locator("tr[data-variant]", has_text="XL")
        await row.wait_for()
        assert "24.50 EUR" in await row.inner_text()
        sku = (await row.locator(".sku").inner_text()).strip()
        stocking = page.get_by_role("form", name=f"Stock of {sku}")
        await stocking.get_by_label("On hand").fill("6")
        await stocking.get_by_role("button", name="Set on hand").click()
        await (
            page.locator("tr[data-variant]", has_text="XL")
            .locator(".on-hand:text-is('6')")
            .wait_for()
        )
        await page.screenshot(path=SCREENSHOTS / "06-item-variants.png", full_page=True)
        await browser.close()
    stored = await Item.get(PydanticObjectId(item["id"]))
    assert stored is not None
    assert [v.size.value if v.size else None for v in stored.variants] == ["M", "XL"]
