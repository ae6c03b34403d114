"""Reading the admin panel's pages as a browser does: their forms (with the hidden fields a
submit would send) and their links, and a walk over every page the links reach."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

# Links a walk does not follow: signing out, actions (a GET on them is refused), downloads.
_NOT_FOLLOWED = ("/admin/logout", "/action/", "/export/", "/statics/")
# A path segment naming one row: a UUID, a MongoDB ObjectId, a number.
_ROW_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f-]{27}|[0-9a-f]{24}|\d+")


@dataclass
class Form:
    method: str
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the text inside the form (in a template: its Jinja expressions too)


@dataclass
class Page:
    forms: list[Form] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def post_forms(self) -> list[Form]:
        return [form for form in self.forms if form.method == "post"]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.page = Page()
        self._open: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._open = Form(found.get("method", "get").lower(), found.get("action", ""))
            self.page.forms.append(self._open)
        elif tag == "input" and self._open is not None and found.get("type") == "hidden":
            self._open.hidden[found.get("name", "")] = found.get("value", "")
        elif tag == "a" and "href" in found:
            self.page.links.append(found["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def route(url: str) -> str:
    """The page's path with row ids as `{id}`: one row's details page stands for all."""
    parts = urlsplit(url).path.split("/")
    return "/".join("{id}" if _ROW_ID.fullmatch(part) else part for part in parts)


async def walk(client: httpx.AsyncClient, start: str = "/admin/") -> dict[str, Page]:
    """Every panel page reachable by links from `start`, one per route, read as it rendered.
    Queries are dropped: sorting, paging and language show the same forms."""
    origin = urlsplit(str(client.base_url)).netloc
    pages: dict[str, Page] = {}
    waiting = [start]
    while waiting:
        path = waiting.pop(0)
        if route(path) in pages:
            continue
        response = await client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[route(path)] = page = read_page(response.text)
        for href in page.links:
            target = urlsplit(urljoin(str(client.base_url.join(path)), href))
            if (
                target.netloc == origin
                and target.path.startswith("/admin")
                and not any(part in target.path for part in _NOT_FOLLOWED)
            ):
                waiting.append(target.path)
    return pages
