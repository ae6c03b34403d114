"""Reading an import file line by line from a byte offset: NDJSON (one item per line) and
CSV (one row per variant; consecutive rows with the same `item` are one item's variants).

Nothing here holds more than one record in memory, and every record carries the byte
offset just after it: the import's checkpoint. A line that cannot be read is a record
with a problem (`malformed-line`), never an exception: one bad line refuses only itself.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from garderobe.catalog.images.schemas import IMAGE_ID
from garderobe.errors import InvalidInput

ITEM_COLUMNS = (
    "title",
    "description",
    "category",
    "brand",
    "supplier",
    "condition",
    "material",
    "pattern",
    "status",
)
VARIANT_COLUMNS = ("sku", "size", "size_system", "colour", "gtin", "stock")
ATTRIBUTE_PREFIX = "attr."
LIST_SEPARATOR = "|"
# An item's images: ids or URLs, their alt texts and colours, each list in the same order.
IMAGE_COLUMNS = {"images": "source", "image_alts": "alt", "image_colours": "colour"}


class MalformedLine(InvalidInput):
    slug = "malformed-line"
    title = "The line could not be read"


@dataclass(frozen=True)
class Record:
    """One item of the file: its data, or why it could not be read."""

    line: int  # its first line's number (1 is the file's first line)
    end: int  # the byte offset just after it
    next_line: int  # the number of the line that starts at `end`
    data: dict[str, Any] | None
    problem: MalformedLine | None = None
    tabular: bool = False  # from CSV: attribute values are text, typed by the schema


def _physical_lines(
    file: BinaryIO, offset: int, line: int, max_bytes: int
) -> Iterator[tuple[int, int, bytes | None]]:
    """(line number, offset after it, its bytes or None when longer than max_bytes)."""
    file.seek(offset)
    while True:
        raw = file.readline(max_bytes + 1)
        if not raw:
            return
        too_long = len(raw) > max_bytes and not raw.endswith(b"\n")
        while too_long and raw and not raw.endswith(b"\n"):  # skip the rest, unread
            raw = file.readline(max_bytes + 1)
        yield line, file.tell(), None if too_long else raw
        line += 1


def ndjson_records(file: BinaryIO, offset: int, line: int, max_bytes: int) -> Iterator[Record]:
    """The items of an NDJSON file from `offset` (blank lines are skipped)."""
    for number, end, raw in _physical_lines(file, offset, line, max_bytes):
        if raw is not None and not raw.strip():
            continue
        data, problem = _json_object(raw, max_bytes)
        yield Record(number, end, number + 1, data, problem)


def _json_object(raw: bytes | None, max_bytes: int) -> tuple[dict[str, Any] | None, Any]:
    if raw is None:
        return None, MalformedLine(f"The line is longer than {max_bytes} bytes.")
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        return None, MalformedLine(f"The line is not JSON: {exc}.")
    if not isinstance(value, dict):
        return None, MalformedLine("The line is not a JSON object (an item).")
    return value, None


def _csv_rows(
    file: BinaryIO, offset: int, line: int, max_bytes: int
) -> Iterator[tuple[int, int, int, list[str] | MalformedLine]]:
    """CSV rows from `offset`: a quoted field may span lines, so lines are joined until
    the quotes balance. Yields (first line, next line, offset after it, cells)."""
    pending, first = b"", line
    for number, end, raw in _physical_lines(file, offset, line, max_bytes):
        if raw is None:
            pending = b""
            yield (
                number,
                number + 1,
                end,
                MalformedLine(f"The line is longer than {max_bytes} bytes."),
            )
            continue
        if not pending:
            first = number
        pending += raw
        # Inside a quoted field the row goes on (up to max_bytes: then csv names the fault).
        if pending.count(b'"') % 2 and len(pending) <= max_bytes:
            continue
        text, pending = pending, b""
        try:
            rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error) as exc:
            yield first, number + 1, end, MalformedLine(f"The row could not be read: {exc}.")
            continue
        if rows and any(cell.strip() for cell in rows[0]):
            yield first, number + 1, end, rows[0]


def csv_header(file: BinaryIO, max_bytes: int) -> tuple[list[str], int, int]:
    """The column names, the offset after them and the number of the next line."""
    for _, next_line, end, row in _csv_rows(file, 0, 1, max_bytes):
        if isinstance(row, MalformedLine):
            raise row
        return [name.strip() for name in row], end, next_line
    raise MalformedLine("The CSV file is empty: its first row names the columns.")


def csv_records(
    file: BinaryIO, header: list[str], offset: int, line: int, max_bytes: int
) -> Iterator[Record]:
    """The items of a CSV file from `offset`: consecutive rows with the same `item` value."""
    group: list[dict[str, str]] = []
    start = end = after = 0
    for number, next_line, row_end, row in _csv_rows(file, offset, line, max_bytes):
        broken = isinstance(row, MalformedLine) or len(row) != len(header)
        cells = {} if broken else dict(zip(header, row, strict=True))  # type: ignore[arg-type]
        key = cells.get("item", "").strip()
        if group and (broken or not key or key != group[0]["item"].strip()):
            yield Record(start, end, after, csv_item(group), tabular=True)
            group = []
        if broken:
            problem = row if isinstance(row, MalformedLine) else _width(row, header)
            yield Record(number, row_end, next_line, None, problem)
            continue
        if not group:
            start = number
        group.append(cells)
        end, after = row_end, next_line
    if group:
        yield Record(start, end, after, csv_item(group), tabular=True)


def _width(row: list[str], header: list[str]) -> MalformedLine:
    return MalformedLine(f"The row has {len(row)} cells; the header names {len(header)}.")


def csv_item(rows: list[dict[str, str]]) -> dict[str, Any]:
    """An item as the API takes it: its fields from the first row, a variant per row."""
    first = rows[0]
    item: dict[str, Any] = {c: first[c] for c in ITEM_COLUMNS if first.get(c, "").strip()}
    if first.get("colours", "").strip():
        item["colours"] = [c.strip() for c in first["colours"].split(LIST_SEPARATOR)]
    if first.get("price", "").strip():
        item["price"] = _money(first["price"], first.get("currency", ""))
    attributes = {
        name.removeprefix(ATTRIBUTE_PREFIX): value
        for name, value in first.items()
        if name.startswith(ATTRIBUTE_PREFIX) and value.strip()
    }
    if attributes:
        item["attributes"] = attributes
    images = _csv_images(first)
    if images:
        item["images"] = images
    item["variants"] = [_csv_variant(row) for row in rows]
    return item


def _csv_images(row: dict[str, str]) -> list[dict[str, str]]:
    """The `images` cell's ids or URLs, each with the alt text and colour in the same
    place of `image_alts` and `image_colours` (an empty place: none given)."""
    images: list[dict[str, str]] = []
    for column, member in IMAGE_COLUMNS.items():
        if not row.get(column, "").strip():
            continue
        for position, value in enumerate(row[column].split(LIST_SEPARATOR)):
            while len(images) <= position:
                images.append({})
            if value.strip():
                images[position][member] = value.strip()
    return [_image_source(image) for image in images]


def _image_source(image: dict[str, str]) -> dict[str, str]:
    """`source` as an id or a URL, as in NDJSON's shorthand (64 hex digits: an id)."""
    source = image.pop("source", None)
    if source is None:
        return image  # an alt or colour without an image: refused by the line's check
    return {"id" if IMAGE_ID.match(source) else "url": source, **image}


def _csv_variant(row: dict[str, str]) -> dict[str, Any]:
    variant: dict[str, Any] = {c: row[c] for c in VARIANT_COLUMNS if row.get(c, "").strip()}
    if row.get("variant_price", "").strip():
        variant["price"] = _money(row["variant_price"], row.get("currency", ""))
    return variant


def _money(amount: str, currency: str) -> dict[str, str]:
    money = {"amount": amount.strip()}
    if currency.strip():
        money["currency"] = currency.strip()
    return money
