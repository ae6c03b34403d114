"""S3-compatible object storage, spoken through the `minio` client (plain S3, any server).

Known to work: SeaweedFS (dev, tests, compose, CI) and MinIO. The minio client is
synchronous; every call runs in a worker thread so the event loop never blocks on the
network. Every call passes keyword arguments only: minio 7.2.19 made the constructor's
keyword-only (minio/minio-py#1549), and positional arguments broke at that minor release.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import BinaryIO
from urllib.parse import urlsplit

from anyio import to_thread
from minio import Minio
from minio.error import S3Error

_MISSING_CODES = {"NoSuchKey", "NoSuchObject", "NoSuchBucket", "ResourceNotFound"}
_PART_SIZE = 8 * 1024 * 1024


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    last_modified: datetime | None


class ObjectStorage:
    """One bucket, addressed by key."""

    def __init__(
        self,
        endpoint_url: str,
        *,
        access_key: str,
        secret_key: str,
        bucket: str,
        region: str = "us-east-1",
        public_base_url: str | None = None,
    ) -> None:
        parts = urlsplit(endpoint_url)
        self._client = Minio(
            endpoint=parts.netloc,
            access_key=access_key,
            secret_key=secret_key,
            secure=parts.scheme == "https",
            region=region,
        )
        self.bucket = bucket
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None

    async def ensure_bucket(self) -> None:
        def ensure() -> None:
            if self._client.bucket_exists(bucket_name=self.bucket):
                return
            try:
                self._client.make_bucket(bucket_name=self.bucket)
            except S3Error as exc:
                # The API and the worker start together; whoever comes second loses the race.
                if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise

        await to_thread.run_sync(ensure)

    async def ping(self) -> None:
        await to_thread.run_sync(lambda: self._client.bucket_exists(bucket_name=self.bucket))

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self.put_stream(key, io.BytesIO(data), len(data), content_type)

    async def put_stream(self, key: str, stream: BinaryIO, length: int, content_type: str) -> None:
        """Upload from a file-like object; length -1 streams multipart of unknown size."""

        def put() -> None:
            self._client.put_object(
                bucket_name=self.bucket,
                object_name=key,
                data=stream,
                length=length,
                content_type=content_type,
                part_size=_PART_SIZE,
            )

        await to_thread.run_sync(put)

    async def get(self, key: str) -> bytes:
        def get() -> bytes:
            response = self._client.get_object(bucket_name=self.bucket, object_name=key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

        return await to_thread.run_sync(get)

    async def download(self, key: str, path: str) -> None:
        """Copy an object into a local file, streamed (imports read their source from it)."""
        await to_thread.run_sync(
            lambda: self._client.fget_object(
                bucket_name=self.bucket, object_name=key, file_path=path
            )
        )

    async def exists(self, key: str) -> bool:
        def stat() -> bool:
            try:
                self._client.stat_object(bucket_name=self.bucket, object_name=key)
            except S3Error as exc:
                if exc.code in _MISSING_CODES:
                    return False
                raise
            return True

        return await to_thread.run_sync(stat)

    async def delete(self, key: str) -> None:
        await to_thread.run_sync(
            lambda: self._client.remove_object(bucket_name=self.bucket, object_name=key)
        )

    async def list(self, prefix: str = "") -> list[StoredObject]:
        def listing() -> list[StoredObject]:
            objects: Iterator[object] = self._client.list_objects(
                bucket_name=self.bucket, prefix=prefix, recursive=True
            )
            return [
                StoredObject(o.object_name, o.size or 0, o.last_modified)  # type: ignore[attr-defined]
                for o in objects
            ]

        return await to_thread.run_sync(listing)

    async def url_for(self, key: str, *, expires: timedelta = timedelta(hours=1)) -> str:
        """A public URL when a public base is configured, else a presigned GET URL."""
        if self.public_base_url:
            return f"{self.public_base_url}/{key}"
        return await to_thread.run_sync(
            lambda: self._client.presigned_get_object(
                bucket_name=self.bucket, object_name=key, expires=expires
            )
        )
