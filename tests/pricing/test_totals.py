"""Totals always add up: a property test over random carts, discounts, zones and tax
settings (the pricing engine itself, as checkout calls it), and PostgreSQL's CHECK
constraints refusing an order whose figures do not add up."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from garderobe.commerce.models import Order, OrderStatus
from garderobe.infra.stores import Stores
from garderobe.pricing.basket import Basket, BasketLine
from garderobe.pricing.discounts.rules import DiscountScope, Kind, Rule
from garderobe.pricing.quote import Request, TaxTerms, quote
from garderobe.pricing.shipping.rates import Band, Basis, Method, flat_method
from garderobe.pricing.taxes.rates import CHILDREN, STANDARD
from tests.factories import create_user

NOW = datetime(2026, 12, 4, tzinfo=UTC)
COUNTRIES = ["DE", "FR", "IE", "GB", "US", "FI"]
BRANDS = ["acne", "uniqlo", "cos"]
PATHS = [("clothes", "tops", "t-shirts"), ("clothes", "kids", "jeans"), ("shoes", "boots")]

lines = st.lists(
    st.builds(
        BasketLine,
        key=st.uuids().map(str),
        item_id=st.sampled_from(["a" * 24, "b" * 24, "c" * 24]),
        brand=st.sampled_from([*BRANDS, None]),
        category_path=st.sampled_from(PATHS),
        unit_price=st.integers(1, 50_000),
        quantity=st.integers(1, 5),
        weight_grams=st.integers(0, 3000),
        tax_class=st.sampled_from([STANDARD, CHILDREN]),
    ),
    min_size=1,
    max_size=5,
    unique_by=lambda line: line.key,
)


@st.composite
def rules(draw: st.DrawFn) -> Rule:
    kind = draw(st.sampled_from(list(Kind)))
    scope = draw(st.sampled_from(list(DiscountScope)))
    targets = {
        DiscountScope.SHOP: [],
        DiscountScope.CATEGORIES: ["tops", "kids", "shoes"],
        DiscountScope.BRANDS: BRANDS,
        DiscountScope.ITEMS: ["a" * 24, "b" * 24],
    }[scope]
    return Rule(
        id=draw(st.uuids()),
        code=draw(st.sampled_from([None, "A", "B", "C"])),
        name="rule",
        kind=kind,
        value=draw(st.integers(1, 100) if kind is Kind.PERCENTAGE else st.integers(1, 80_000)),
        currency="EUR",
        scope=scope,
        targets=frozenset(draw(st.lists(st.sampled_from(targets), max_size=2)) if targets else []),
        min_subtotal=draw(st.none() | st.integers(0, 60_000)),
        starts_at=None,
        ends_at=None,
        usage_limit=None,
        per_customer_limit=None,
        used=0,
        used_by_customer=0,
        combinable=draw(st.booleans()),
    )


@st.composite
def methods(draw: st.DrawFn) -> list[Method]:
    if draw(st.booleans()):
        return [flat_method(draw(st.integers(0, 2000)), "EUR")]
    found = []
    for n in range(draw(st.integers(1, 3))):
        bounds = sorted(set(draw(st.lists(st.integers(0, 60_000), max_size=3))))
        prices = draw(
            st.lists(st.integers(0, 3000), min_size=len(bounds) + 1, max_size=len(bounds) + 1)
        )
        ends: list[int | None] = [*bounds, None] if draw(st.booleans()) else [*bounds, 70_000]
        found.append(
            Method(
                str(n),
                f"m{n}",
                "zone",
                frozenset(draw(st.lists(st.sampled_from(COUNTRIES), min_size=1))),
                "EUR",
                draw(st.sampled_from(list(Basis))),
                tuple(Band(up_to, price) for up_to, price in zip(ends, prices, strict=True)),
                draw(st.none() | st.integers(0, 80_000)),
            )
        )
    return found


@hypothesis_settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    basket_lines=lines,
    discounts=st.lists(rules(), max_size=4, unique_by=lambda r: r.code or str(r.id)),
    shipping=methods(),
    codes=st.lists(st.sampled_from(["A", "B", "C", "D"]), max_size=3),
    country=st.sampled_from([*COUNTRIES, None]),
    inclusive=st.booleans(),
    area=st.sets(st.sampled_from([c for c in COUNTRIES if c != "US"])),  # US: no rates
)
def test_totals_add_up_to_the_cent(
    basket_lines: list[BasketLine],
    discounts: list[Rule],
    shipping: list[Method],
    codes: list[str],
    country: str | None,
    inclusive: bool,
    area: set[str],
) -> None:
    basket = Basket(tuple(basket_lines), "EUR")
    found = quote(
        basket,
        Request(country, tuple(codes), None, NOW),
        discounts,
        shipping,
        TaxTerms(inclusive, frozenset(area)),
    )
    assert found.subtotal - found.discount + found.shipping == found.total
    assert found.net + found.tax == found.total
    assert 0 <= found.discount <= found.subtotal + found.shipping
    assert min(found.net, found.tax, found.shipping) >= 0
    for line in found.lines:
        assert line.net + line.tax == line.gross
        assert min(line.net, line.tax, line.discount) >= 0
    assert sum(n for _, n in found.discounts) <= basket.subtotal + found.shipping
    if inclusive:  # the gross is the price: what the lines cost is what the shopper sees
        assert found.subtotal == basket.subtotal
    if country not in area:
        assert found.tax == 0


@pytest.mark.parametrize(
    ("subtotal", "discount", "shipping", "total", "net", "tax"),
    [
        (5000, 0, 495, 5000, 5000, 0),
        (5000, 500, 495, 4995, 4000, 900),
        (5000, 6000, 0, -1000, -1000, 0),
    ],
)
async def test_postgres_refuses_an_order_whose_figures_do_not_add_up(
    stores: Stores, subtotal: int, discount: int, shipping: int, total: int, net: int, tax: int
) -> None:
    user = await create_user(stores.sessionmaker)
    with pytest.raises(IntegrityError):
        async with stores.sessionmaker() as session, session.begin():
            session.add(
                Order(
                    id=uuid.uuid4(),
                    number=f"T-{uuid.uuid4().hex[:8]}",
                    user_id=user.id,
                    status=OrderStatus.PENDING_PAYMENT,
                    currency="EUR",
                    subtotal=subtotal,
                    discount=discount,
                    shipping=shipping,
                    total=total,
                    net=net,
                    tax=tax,
                    shipping_address={},
                )
            )
