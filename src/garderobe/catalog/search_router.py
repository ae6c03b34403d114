"""/api/v1/search: ranked, typo-tolerant full-text search and autocomplete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from garderobe.api.deps import DbSession
from garderobe.catalog import index, search
from garderobe.catalog.documents import Money

router = APIRouter(prefix="/api/v1/search", tags=["search"])
Q = Annotated[
    str,
    Query(
        min_length=1, max_length=200, pattern=r"\S", description="Search words (typos tolerated)"
    ),
]


class SearchItem(BaseModel):
    id: str
    title: str
    brand: str
    categories: list[str]
    price: Money
    snippet: str
    score: float


class SearchOut(BaseModel):
    query_terms: list[str]
    items: list[SearchItem]
    categories: list[str]
    brands: list[str]


@router.get(
    "",
    response_model=SearchOut,
    summary="Ranked items with highlighted snippets, plus matching categories and brands",
)
async def search_items(
    q: Q, session: DbSession, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> SearchOut:
    terms, hits = await search.search(session, q, limit)
    suggestions = await search.suggest_names(session, q)
    return SearchOut(
        query_terms=terms,
        items=[
            SearchItem(
                id=h.item_id,
                title=h.title,
                brand=h.brand_name,
                categories=h.category_names.split(index.CATEGORY_SEPARATOR),
                price=Money(amount=h.price_amount, currency=h.currency),
                snippet=h.snippet,
                score=round(h.score, 4),
            )
            for h in hits
        ],
        categories=suggestions["category"],
        brands=suggestions["brand"],
    )


@router.get("/suggest", response_model=list[str], summary="Autocomplete suggestions")
async def suggest(
    q: Q, session: DbSession, limit: Annotated[int, Query(ge=1, le=20)] = 10
) -> list[str]:
    return await search.suggest(session, q, limit)
