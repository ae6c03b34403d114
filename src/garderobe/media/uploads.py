"""Streaming multipart parsing with per-file size limits.

Starlette's form parser spools files without a size limit. Here the request body is read
chunk by chunk into a SpooledTemporaryFile per file, and parsing stops with 413 the moment
a file passes the limit: memory never holds more than a chunk plus the spool threshold.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from tempfile import SpooledTemporaryFile
from typing import Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header

from garderobe.api.hygiene import unstorable
from garderobe.errors import DomainError, InvalidInput, PayloadTooLarge

SPOOL_BYTES = 1024 * 1024
MAX_FIELD_BYTES = 4096


class MalformedMultipart(DomainError):
    status_code = 400
    slug = "malformed-multipart"
    title = "Malformed multipart body"


@dataclass
class UploadedFile:
    field: str
    filename: str
    content_type: str
    file: SpooledTemporaryFile[bytes]
    size: int = 0


@dataclass
class ParsedForm:
    files: list[UploadedFile] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)

    def close(self) -> None:
        for upload in self.files:
            upload.file.close()


class _Collector:
    def __init__(self, max_file_bytes: int, max_files: int) -> None:
        self.max_file_bytes, self.max_files = max_file_bytes, max_files
        self.form = ParsedForm()
        self._headers: dict[bytes, bytes] = {}
        self._name = b""
        self._value = b""
        self._file: UploadedFile | None = None
        self._field: tuple[str, bytearray] | None = None

    def callbacks(self) -> dict[str, Any]:
        return {
            "on_part_begin": self._part_begin,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
        }

    def _part_begin(self) -> None:
        self._headers, self._file, self._field = {}, None, None

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        self._headers[self._name.lower()] = self._value
        self._name, self._value = b"", b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            self._field = (name, bytearray())
            return
        if len(self.form.files) >= self.max_files:
            raise PayloadTooLarge(f"At most {self.max_files} files per request.")
        content_type = self._headers.get(b"content-type", b"").decode("latin-1")
        self._file = UploadedFile(
            name,
            options[b"filename"].decode("utf-8", "replace"),
            content_type,
            SpooledTemporaryFile(max_size=SPOOL_BYTES),  # noqa: SIM115 - ParsedForm.close()
        )
        self.form.files.append(self._file)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is not None:
            self._file.size += len(chunk)
            if self._file.size > self.max_file_bytes:
                raise PayloadTooLarge(
                    f"{self._file.filename!r} is larger than {self.max_file_bytes} bytes.",
                    extensions={"max_bytes": self.max_file_bytes},
                )
            self._file.file.write(chunk)
        elif self._field is not None:
            self._field[1].extend(chunk)
            if len(self._field[1]) > MAX_FIELD_BYTES:
                raise PayloadTooLarge(f"Field {self._field[0]!r} is too long.")

    def _part_end(self) -> None:
        if self._field is not None:
            name, raw = self._field
            value = raw.decode("utf-8", "replace")
            reason = unstorable(name) or unstorable(value)
            if reason:  # multipart is streamed past the hygiene middleware: checked here
                raise InvalidInput(
                    f"Field {name!r} {reason}.",
                    extensions={"errors": [{"field": f"body.{name}", "message": reason}]},
                )
            self.form.fields.setdefault(name, []).append(value)
        elif self._file is not None:
            self._file.file.seek(0)


async def parse_multipart(
    content_type: str, body: AsyncIterator[bytes], *, max_file_bytes: int, max_files: int
) -> ParsedForm:
    """Files and fields of a multipart/form-data body; 413 as soon as a limit is passed."""
    kind, options = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in options:
        raise InvalidInput("Send the images as multipart/form-data.")
    collector = _Collector(max_file_bytes, max_files)
    parser = MultipartParser(options[b"boundary"], collector.callbacks())  # type: ignore[arg-type]
    try:
        async for chunk in body:
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:  # a broken boundary or part header: the client's fault
        collector.form.close()
        raise MalformedMultipart(f"The multipart body could not be parsed: {exc}") from exc
    except BaseException:
        collector.form.close()
        raise
    return collector.form
