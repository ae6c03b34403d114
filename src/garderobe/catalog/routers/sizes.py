"""/api/v1/sizes (systems, conversion, charts), /api/v1/admin/size-charts (brand charts)
and /api/v1/me/sizes (the caller's saved sizes)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response, status

from garderobe.accounts.apikeys.dependencies import CatalogReader, CatalogWriter
from garderobe.accounts.dependencies import CurrentUser, OptionalUser
from garderobe.api.deps import DbSession, ReadSession
from garderobe.catalog.fit import charts, presenters, service
from garderobe.catalog.fit.schemas import (
    BrandChartOut,
    ChartOut,
    ConversionOut,
    ItemFitOut,
    SavedSizesIn,
    SavedSizesOut,
    SizesOut,
)
from garderobe.catalog.routers.problems import ADMIN

router = APIRouter(prefix="/api/v1", tags=["sizes"])
BAD: dict[int | str, dict[str, Any]] = {
    404: {"description": "Problem: no such brand"},
    422: {"description": "Problem: unknown garment kind, size system or size, or not on the chart"},
}
BrandParam = Annotated[
    str | None, Query(max_length=100, description="Brand slug: its own chart, if it has one")
]
CHART_BODY = Body(
    description="A size chart as data (kind, brand, primary, systems, rows, source); "
    "see docs/sizing.md",
    examples=[
        {
            "primary": "bust",
            "systems": ["letter"],
            "rows": [{"system": "letter", "value": "M", "bust": [88, 94]}],
            "source": {
                "kind": "brand",
                "title": "Acme size guide",
                "references": [
                    {
                        "title": "Acme size guide",
                        "url": "https://example.com/size-guide",
                        "read": "2026-12-03",
                        "took": "bust per letter size",
                    }
                ],
            },
        }
    ],
)


@router.get(
    "/sizes", response_model=SizesOut, summary="Size systems and their values per garment kind"
)
async def sizes() -> SizesOut:
    return presenters.sizes_out()


@router.get(
    "/sizes/convert",
    response_model=ConversionOut,
    responses=BAD,
    summary="Equivalent sizes in other systems, each with its dimension range and match",
)
async def convert_size(
    session: ReadSession,
    kind: Annotated[str, Query(max_length=60, description="Garment kind (GET /api/v1/sizes)")],
    size: Annotated[str, Query(min_length=1, max_length=40, description="'UK 10', 'M', '42'")],
    system: Annotated[str | None, Query(max_length=40, description="The size's system")] = None,
    brand: BrandParam = None,
    to: Annotated[
        list[str] | None, Query(description="Target systems; default: all others")
    ] = None,
) -> ConversionOut:
    return await service.conversion(
        session, kind, size, system=system, brand=brand, targets=to or []
    )


@router.get(
    "/sizes/charts/{kind}",
    response_model=ChartOut,
    responses=BAD,
    summary="A garment kind's size chart (a brand's own when it has one) with its source",
)
async def size_chart(kind: str, session: ReadSession, brand: BrandParam = None) -> ChartOut:
    return presenters.chart_out(await service.chart(session, kind, brand))


@router.get(
    "/admin/size-charts",
    response_model=list[BrandChartOut],
    responses=ADMIN,
    summary="Brand size charts (admin)",
)
async def list_brand_charts(_: CatalogReader, session: DbSession) -> list[BrandChartOut]:
    return [presenters.brand_chart_out(c) for c in await charts.brand_charts(session)]


@router.put(
    "/admin/size-charts/{brand}/{kind}",
    response_model=ChartOut,
    responses={**ADMIN, **BAD, 201: {"description": "Created", "model": ChartOut}},
    summary="Add or replace a brand's size chart for a garment kind (admin)",
)
async def put_brand_chart(
    brand: str,
    kind: str,
    _: CatalogWriter,
    session: DbSession,
    response: Response,
    body: Annotated[dict[str, Any], CHART_BODY],
) -> ChartOut:
    chart, created = await charts.put_brand_chart(session, brand, kind, body)
    if created:
        response.status_code = status.HTTP_201_CREATED
    return presenters.chart_out(chart)


@router.delete(
    "/admin/size-charts/{brand}/{kind}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**ADMIN, 404: {"description": "Problem: the brand has no chart of that kind"}},
    summary="Remove a brand's size chart (admin): its items use the default again",
)
async def delete_brand_chart(brand: str, kind: str, _: CatalogWriter, session: DbSession) -> None:
    await charts.delete_brand_chart(session, brand, kind)


@router.get(
    "/me/sizes",
    response_model=SavedSizesOut,
    responses={401: {"description": "Problem: not logged in"}},
    summary="Your saved sizes (private: no other user or response shows them)",
)
async def my_sizes(user: CurrentUser, session: DbSession, response: Response) -> SavedSizesOut:
    response.headers["Cache-Control"] = "private, no-store"
    return await service.my_sizes(session, user.id)


@router.put(
    "/me/sizes",
    response_model=SavedSizesOut,
    responses={401: {"description": "Problem: not logged in"}, **BAD},
    summary="Save your sizes per garment kind and/or your body dimensions",
)
async def save_my_sizes(
    body: SavedSizesIn, user: CurrentUser, session: DbSession, response: Response
) -> SavedSizesOut:
    response.headers["Cache-Control"] = "private, no-store"
    return await service.save_my_sizes(session, user.id, body)


@router.get(
    "/items/{item_id}/fit",
    response_model=ItemFitOut,
    responses={404: {"description": "Problem: no such (active) item"}},
    summary="An item's fit summary and, signed in with saved sizes, the size for you",
)
async def item_fit(
    item_id: str, session: ReadSession, user: OptionalUser, response: Response
) -> ItemFitOut:
    # Personal when signed in: never from a shared cache (item detail is the shared part).
    response.headers["Cache-Control"] = "private, no-store"
    return await service.item_fit(session, item_id, user)
